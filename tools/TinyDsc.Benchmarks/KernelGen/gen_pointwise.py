# Generates runtime/TinyDsc.Runtime/Kernels/PointwiseConv.cs: python3 gen_pointwise.py P C K > .../PointwiseConv.cs
# (P pixels x C output channels per block, K input channels per inner-loop pass; 8 8 4 is the committed choice,
# measured with `dotnet run --project tools/TinyDsc.Benchmarks -c Release -- ilcount-model`).
import os
import sys
HERE = os.path.dirname(os.path.abspath(__file__))
P, C, K = map(int, sys.argv[1:4])
out = []
def w(s=""): out.append(s)

def block(P, C, K, name):
    w(f"        /// <summary>{P} pixel(s) × {C} output channel(s) from (input[i], weights[oc·cin]); outputs from output[o] on.</summary>")
    w(f"        private static void {name}(")
    w(f"            sbyte[] input, int i, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, int[] shift,")
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

blocks = [(P, C, f"Block{P}x{C}"), (P, 1, f"Block{P}x1"), (1, C, f"Block1x{C}"), (1, 1, "Block1x1")]
if P == 1: blocks = [(1,C,f"Block1x{C}"),(1,1,"Block1x1")]
header = open(os.path.join(HERE, "pointwise_header.cs.txt")).read()
body = []
for (bp, bc, name) in blocks:
    out.clear()
    block(bp, bc, K, name)
    body.append("\n".join(out))
run = open(os.path.join(HERE, "pointwise_run.cs.txt")).read().replace("$P", str(P)).replace("$C", str(C)).replace("$K", str(K))
print(header.replace("$P", str(P)).replace("$C", str(C)).replace("$K", str(K)) + run + "\n\n".join(body) + "\n    }\n}")
