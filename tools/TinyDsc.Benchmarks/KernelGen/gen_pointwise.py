# Generates runtime/TinyDsc.Runtime/Kernels/PointwiseConv.g.cs: python3 gen_pointwise.py P C K packed > .../PointwiseConv.g.cs
# (P pixels x C output channels per block, K input channels per inner-loop pass; '16 8 4 packed' is the committed choice:
# two pixels per long accumulator in the main block,
# measured with `dotnet run --project tools/TinyDsc.Benchmarks -c Release -- ilcount-model`).
import os
import sys
HERE = os.path.dirname(os.path.abspath(__file__))
P, C, K = map(int, sys.argv[1:4])
PACKED = len(sys.argv) > 4 and sys.argv[4] == 'packed'
out = []
def w(s=""): out.append(s)

def block(P, C, K, name):
    w(f"        /// <summary>{P} pixel(s) × {C} output channel(s) from (input[i], weights[oc·cin]); outputs from output[o] on.</summary>")
    w(f"        private static void {name}(")
    w(f"            sbyte[] input, int i, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, sbyte[] shift,")
    w(f"            sbyte[] output, int o, int cout, int zpOut, int actMin, int actMax)")
    w("        {")
    for c in range(C):
        w(f"            int b{c} = foldedBias[oc + {c}];" if c else "            int b0 = foldedBias[oc];")
    for p in range(P):
        w("            int " + ", ".join(f"a{p}{c} = b{c}" for c in range(C)) + ";")
    w("            int i0 = i;")
    for p in range(1, P):
        w(f"            int i{p} = i{p-1} + cin;")
    w("            int j0 = oc * cin;")
    for c in range(1, C):
        w(f"            int j{c} = j{c-1} + cin;")
    if K > 1:
        for p in range(P):
            w("            int " + ", ".join(f"x{p}{k}" for k in range(K)) + ";")
        for c in range(C):
            w("            int " + ", ".join(f"w{c}{k}" for k in range(K)) + ";")
        w(f"            int end = i + cin - cin % {K};")
        w("            while (i0 < end)")
        w("            {")
        for p in range(P):
            for k in range(K):
                w(f"                x{p}{k} = input[i{p}{'' if k == 0 else ' + ' + str(k)}];")
        for c in range(C):
            for k in range(K):
                w(f"                w{c}{k} = weights[j{c}{'' if k == 0 else ' + ' + str(k)}];")
        for p in range(P):
            for c in range(C):
                w(f"                a{p}{c} += " + " + ".join(f"x{p}{k} * w{c}{k}" for k in range(K)) + ";")
        for p in range(P):
            w(f"                i{p} += {K};")
        for c in range(C):
            w(f"                j{c} += {K};")
        w("            }")
        w("")
        w(f"            // Input channels left over (cin mod {K}).")
    w("            int tailEnd = i + cin;")
    w("            while (i0 < tailEnd)")
    w("            {")
    for p in range(P):
        w(f"                {'int ' if K == 1 else ''}x{p}0 = input[i{p}];")
    for c in range(C):
        w(f"                {'int ' if K == 1 else ''}w{c}0 = weights[j{c}];")
    for p in range(P):
        for c in range(C):
            w(f"                a{p}{c} += x{p}0 * w{c}0;")
    for p in range(P):
        w(f"                i{p}++;")
    for c in range(C):
        w(f"                j{c}++;")
    w("            }")
    w("")
    w("            // Requantize.Clamp inlined (see Requantize for the math), each channel's constants computed once.")
    w("            long nudge = 0x40000000L;")
    w("            long m, h, n, x;")
    w("            int s, pow2, r, q, t;")
    for c in range(C):
        idx = "oc" if c == 0 else f"oc + {c}"
        w(f"            m = multiplier[{idx}];")
        w(f"            s = shift[{idx}];")
        w("            pow2 = s > 0 ? 1 << s : 1;")
        w("            r = s > 0 ? 0 : -s;")
        w("            h = r > 0 ? 1L << (r - 1) : 0;")
        w("            n = r > 0 ? -1L : 0;")
        w(f"            t = o + {c};" if c else "            t = o;")
        for p in range(P):
            w(f"            x = ((long)(a{p}{c} * pow2) * m + nudge) >> 31;")
            w("            q = (int)((x + h + ((x >> 63) & n)) >> r) + zpOut;")
            w("            output[t] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
            if p < P - 1:
                w("            t += cout;")
    w("        }")

def block_packed(P, C, K, name):
    U = P // 2
    w(f"        /// <summary>")
    w(f"        /// {P} pixels × {C} output channels from (input[i], weights[oc·cin]); outputs from output[o] on. Pixels 2u and 2u + 1")
    w(f"        /// share the long accumulators a{{u}}{{c}} = S(2u, c) + S(2u + 1, c)·2^32 (S = Σ q·w, see the class comment).")
    w(f"        /// </summary>")
    w(f"        private static void {name}(")
    w(f"            sbyte[] input, int i, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, sbyte[] shift,")
    w(f"            sbyte[] output, int o, int cout, int zpOut, int actMin, int actMax)")
    w("        {")
    for u in range(U):
        w("            long " + ", ".join(f"a{u}{c} = 0" for c in range(C)) + ";")
    w("            int i0 = i;")
    for p in range(1, P):
        w(f"            int i{p} = i{p-1} + cin;")
    w("            int j0 = oc * cin;")
    for c in range(1, C):
        w(f"            int j{c} = j{c-1} + cin;")
    w("            long " + ", ".join(f"x{k}" for k in range(K)) + ";")
    for c in range(C):
        w("            long " + ", ".join(f"w{c}{k}" for k in range(K)) + ";")
    w(f"            int end = i + cin - cin % {K};")
    w("            while (i0 < end)")
    w("            {")
    for c in range(C):
        for k in range(K):
            w(f"                w{c}{k} = weights[j{c}{'' if k == 0 else ' + ' + str(k)}];")
    # One pixel pair at a time: its K packed activations live in x0..x{K-1} (reused by the next pair, which keeps
    # the frame small), each added into the pair's C accumulators.
    for u in range(U):
        for k in range(K):
            pk = '' if k == 0 else ' + ' + str(k)
            w(f"                x{k} = input[i{2*u}{pk}] + ((long)input[i{2*u+1}{pk}] << 32);")
        for c in range(C):
            w(f"                a{u}{c} += " + " + ".join(f"x{k} * w{c}{k}" for k in range(K)) + ";")
    for p in range(P):
        w(f"                i{p} += {K};")
    for c in range(C):
        w(f"                j{c} += {K};")
    w("            }")
    w("")
    w(f"            // Input channels left over (cin mod {K}).")
    w("            int tailEnd = i + cin;")
    w("            while (i0 < tailEnd)")
    w("            {")
    for c in range(C):
        w(f"                w{c}0 = weights[j{c}];")
    for u in range(U):
        w(f"                x0 = input[i{2*u}] + ((long)input[i{2*u+1}] << 32);")
        for c in range(C):
            w(f"                a{u}{c} += x0 * w{c}0;")
    for p in range(P):
        w(f"                i{p}++;")
    for c in range(C):
        w(f"                j{c}++;")
    w("            }")
    w("")
    w("            // Each channel's outputs: split every long into its two pixels' sums and requantize (StorePairs).")
    w(f"            int t = o;")
    for c in range(C):
        idx = "oc" if c == 0 else f"oc + {c}"
        accs = ", ".join(f"a{u}{c}" for u in range(U))
        w(f"            StorePairs{U}(output, t{'' if c == 0 else ' + ' + str(c)}, cout, {accs}, foldedBias[{idx}], multiplier[{idx}], shift[{idx}], zpOut, actMin, actMax);")
    w("        }")


def store_pairs(U):
    w(f"        /// <summary>")
    w(f"        /// Outputs of one channel for {2 * U} pixels from output[t] on, pixel stride cout: pixel 2u from the low 32 bits of")
    w(f"        /// a{{u}}, pixel 2u + 1 from (a{{u}} − low) >> 32, each plus the folded bias b (int32, wrapping as the reference does),")
    w(f"        /// then requantized: for shift ≤ 0 in one rounding step with the channel's constants computed once (Requantize.OneStep")
    w(f"        /// states the formula and why it equals the two-step path), for shift &gt; 0 through Requantize.Clamp.")
    w(f"        /// </summary>")
    w(f"        private static void StorePairs{U}(")
    w("            sbyte[] output, int t, int cout, " + ", ".join(f"long a{u}" for u in range(U)) + ",")
    w("            int b, int multiplier, int shift, int zpOut, int actMin, int actMax)")
    w("        {")
    w("            int q, lo;")
    w("            if (shift > 0)")
    w("            {")
    for u in range(U):
        w(f"                lo = (int)a{u};")
        w(f"                output[t] = (sbyte)Requantize.Clamp(b + lo, multiplier, shift, zpOut, actMin, actMax);")
        w("                t += cout;")
        w(f"                output[t] = (sbyte)Requantize.Clamp(b + (int)((a{u} - lo) >> 32), multiplier, shift, zpOut, actMin, actMax);")
        if u < U - 1:
            w("                t += cout;")
    w("                return;")
    w("            }")
    w("")
    w("            long m = multiplier;")
    w("            int right = 31 - shift;")
    w("            long kPos = shift == 0 ? 0x40000000L : 0x40000000L + (1L << (30 - shift));")
    w("            long kNeg = shift == 0 ? kPos : kPos - 0x80000000L;")
    w("            int v;")
    for u in range(U):
        for half in range(2):
            if half == 0:
                w(f"            lo = (int)a{u};")
                w("            v = b + lo;")
            else:
                w(f"            v = b + (int)((a{u} - lo) >> 32);")
            w("            q = (int)((v * m + (v < 0 ? kNeg : kPos)) >> right) + zpOut;")
            w("            output[t] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
            if not (u == U - 1 and half == 1):
                w("            t += cout;")
    w("        }")


blocks = [(P, C, f"Block{P}x{C}"), (P, 1, f"Block{P}x1"), (1, C, f"Block1x{C}"), (1, 1, "Block1x1")]
if P == 1: blocks = [(1,C,f"Block1x{C}"),(1,1,"Block1x1")]
header = open(os.path.join(HERE, "pointwise_header.cs.txt")).read()
body = []
for (bp, bc, name) in blocks:
    out.clear()
    if bp == P and bc == C and P % 2 == 0 and PACKED:
        block_packed(bp, bc, K, name)
    else:
        block(bp, bc, K, name)
    body.append("\n".join(out))
if PACKED and P % 2 == 0:
    out.clear()
    store_pairs(P // 2)
    body.append("\n".join(out))
run = open(os.path.join(HERE, "pointwise_run.cs.txt")).read().replace("$P", str(P)).replace("$C", str(C)).replace("$K", str(K))
print(header.replace("$U", str(P // 2)).replace("$P", str(P)).replace("$C", str(C)).replace("$K", str(K)) + run + "\n\n".join(body) + "\n    }\n}")
