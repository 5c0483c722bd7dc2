# Generates runtime/TinyDsc.Runtime/Kernels/PointwiseRows.g.cs:
#   python3 gen_pointwise_rows.py P C K > runtime/TinyDsc.Runtime/Kernels/PointwiseRows.g.cs
# The 1x1 convolution of a few pixels (FusedBlock's rows: a row of an inverted residual is 3..48 pixels, too few for
# PointwiseConv's 16-pixel blocks). Packed blocks of P, P/2, ..., 2 pixels x C output channels (two pixels per long
# accumulator), then one unpacked pixel; K input channels per inner-loop pass. '8 8 4' is the committed choice,
# measured with `dotnet run --project tools/TinyDsc.Benchmarks -c Release -- ilcount-model M.tdsc` on fused models.
# Separate from gen_pointwise.py (PointwiseConv.g.cs) on purpose: its own class, no shared private blocks.
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
P, C, K = map(int, sys.argv[1:4])
assert P >= 2 and P & (P - 1) == 0, "P must be a power of two >= 2"
out = []


def w(s=""):
    out.append(s)


def block_packed(P, C, K):
    U = P // 2
    pair = P == 2
    w("        /// <summary>")
    w(f"        /// {P} pixels × {C} output channels from (input[i], weights[oc·cin]); outputs from output[o] on. Pixels 2u and 2u + 1")
    w("        /// share the long accumulators a{u}{c} = S(2u, c) + S(2u + 1, c)·2^32 (S = Σ q·w, see the class comment).")
    w("        /// </summary>")
    if pair:
        w("        /// The second pixel's input starts at i + inStep and its outputs at o + outStep (cin and cout for two consecutive")
        w("        /// pixels; 0 and 0 for a lone pixel, which is then computed twice and written once).")
    w(f"        private static void Block{P}x{C}(")
    w("            sbyte[] input, int i, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, int[] shift,")
    w("            sbyte[] output, int o, int cout, int zpOut, int actMin, int actMax" + (", int inStep, int outStep)" if pair else ")"))
    w("        {")
    for u in range(U):
        w("            long " + ", ".join(f"a{u}{c} = 0" for c in range(C)) + ";")
    w("            int i0 = i;")
    for p in range(1, P):
        w(f"            int i{p} = i{p - 1} + {'inStep' if pair else 'cin'};")
    w("            int j0 = oc * cin;")
    for c in range(1, C):
        w(f"            int j{c} = j{c - 1} + cin;")
    for u in range(U):
        w("            long " + ", ".join(f"x{u}{k}" for k in range(K)) + ";")
    for c in range(C):
        w("            long " + ", ".join(f"w{c}{k}" for k in range(K)) + ";")
    w(f"            int end = i + cin - cin % {K};")
    w("            while (i0 < end)")
    w("            {")
    for u in range(U):
        for k in range(K):
            pk = '' if k == 0 else ' + ' + str(k)
            w(f"                x{u}{k} = input[i{2 * u}{pk}] + ((long)input[i{2 * u + 1}{pk}] << 32);")
    for c in range(C):
        for k in range(K):
            w(f"                w{c}{k} = weights[j{c}{'' if k == 0 else ' + ' + str(k)}];")
    for u in range(U):
        for c in range(C):
            w(f"                a{u}{c} += " + " + ".join(f"x{u}{k} * w{c}{k}" for k in range(K)) + ";")
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
    for u in range(U):
        w(f"                x{u}0 = input[i{2 * u}] + ((long)input[i{2 * u + 1}] << 32);")
    for c in range(C):
        w(f"                w{c}0 = weights[j{c}];")
    for u in range(U):
        for c in range(C):
            w(f"                a{u}{c} += x{u}0 * w{c}0;")
    for p in range(P):
        w(f"                i{p}++;")
    for c in range(C):
        w(f"                j{c}++;")
    w("            }")
    w("")
    w("            // Each channel's outputs: split every long into its two pixels' sums and requantize (StorePairs).")
    for c in range(C):
        idx = "oc" if c == 0 else f"oc + {c}"
        accs = ", ".join(f"a{u}{c}" for u in range(U))
        w(f"            StorePairs{U}(output, o{'' if c == 0 else ' + ' + str(c)}, {'outStep' if pair else 'cout'}, {accs}, foldedBias[{idx}], multiplier[{idx}], shift[{idx}], zpOut, actMin, actMax);")
    w("        }")


def block_single(C, K, name):
    # One pixel x C channels, int accumulators (a lone pixel has no partner to pack with).
    w(f"        /// <summary>1 pixel × {C} output channel(s) from (input[i], weights[oc·cin]); outputs from output[o] on.</summary>")
    w(f"        private static void {name}(")
    w("            sbyte[] input, int i, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, int[] shift,")
    w("            sbyte[] output, int o, int zpOut, int actMin, int actMax)")
    w("        {")
    w("            int " + ", ".join(f"a{c} = foldedBias[oc{'' if c == 0 else ' + ' + str(c)}]" for c in range(C)) + ";")
    w("            int j0 = oc * cin;")
    for c in range(1, C):
        w(f"            int j{c} = j{c - 1} + cin;")
    w("            int " + ", ".join(f"x{k}" for k in range(K)) + ";")
    w(f"            int end = i + cin - cin % {K};")
    w("            while (i < end)")
    w("            {")
    for k in range(K):
        w(f"                x{k} = input[i{'' if k == 0 else ' + ' + str(k)}];")
    for c in range(C):
        w(f"                a{c} += " + " + ".join(f"x{k} * weights[j{c}{'' if k == 0 else ' + ' + str(k)}]" for k in range(K)) + ";")
        w(f"                j{c} += {K};")
    w(f"                i += {K};")
    w("            }")
    w("")
    w(f"            // Input channels left over (cin mod {K}).")
    w("            end += cin % " + str(K) + ";")
    w("            while (i < end)")
    w("            {")
    w("                x0 = input[i];")
    for c in range(C):
        w(f"                a{c} += x0 * weights[j{c}];")
        w(f"                j{c}++;")
    w("                i++;")
    w("            }")
    w("")
    w("            // Requantize.Clamp inlined (see Requantize for the math).")
    w("            long nudge = 0x40000000L;")
    w("            long m, h, n, x;")
    w("            int s, pow2, r, q;")
    for c in range(C):
        idx = "oc" if c == 0 else f"oc + {c}"
        w(f"            m = multiplier[{idx}];")
        w(f"            s = shift[{idx}];")
        w("            pow2 = s > 0 ? 1 << s : 1;")
        w("            r = s > 0 ? 0 : -s;")
        w("            h = r > 0 ? 1L << (r - 1) : 0;")
        w("            n = r > 0 ? -1L : 0;")
        w(f"            x = ((long)(a{c} * pow2) * m + nudge) >> 31;")
        w("            q = (int)((x + h + ((x >> 63) & n)) >> r) + zpOut;")
        w(f"            output[o{'' if c == 0 else ' + ' + str(c)}] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
    w("        }")


def store_pairs(U):
    w("        /// <summary>")
    w(f"        /// Outputs of one channel for {2 * U} pixels from output[t] on, pixel stride cout: pixel 2u from the low 32 bits of")
    w("        /// a{u}, pixel 2u + 1 from (a{u} − low) >> 32, each plus the folded bias b (int32, wrapping as the reference does),")
    w("        /// then Requantize.Clamp inlined (see Requantize for the math) with the channel's constants computed once.")
    w("        /// </summary>")
    w(f"        private static void StorePairs{U}(")
    w("            sbyte[] output, int t, int cout, " + ", ".join(f"long a{u}" for u in range(U)) + ",")
    w("            int b, int multiplier, int shift, int zpOut, int actMin, int actMax)")
    w("        {")
    w("            long nudge = 0x40000000L;")
    w("            long m = multiplier;")
    w("            int pow2 = shift > 0 ? 1 << shift : 1;")
    w("            int r = shift > 0 ? 0 : -shift;")
    w("            long h = r > 0 ? 1L << (r - 1) : 0;")
    w("            long n = r > 0 ? -1L : 0;")
    w("            long x;")
    w("            int q, lo;")
    for u in range(U):
        w(f"            lo = (int)a{u};")
        w(f"            x = ((long)((b + lo) * pow2) * m + nudge) >> 31;")
        w("            q = (int)((x + h + ((x >> 63) & n)) >> r) + zpOut;")
        w("            output[t] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
        w("            t += cout;")
        w(f"            x = ((long)((b + (int)((a{u} - lo) >> 32)) * pow2) * m + nudge) >> 31;")
        w("            q = (int)((x + h + ((x >> 63) & n)) >> r) + zpOut;")
        w("            output[t] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
        if u < U - 1:
            w("            t += cout;")
    w("        }")


def run_method():
    sizes = []
    s = P
    while s >= 2:
        sizes.append(s)
        s //= 2
    w("        /// <summary>")
    w("        /// The 1×1 convolution of `pixels` consecutive pixels: input[i + n·Cin ..] → output[o + n·Cout ..] for n &lt; pixels,")
    w("        /// with p's channels, zero points and activation range (p's H and W are not read). No argument checks: the caller")
    w("        /// (FusedBlock) runs members a validated model's loader prepared.")
    w("        /// </summary>")
    w("        internal static void Run(")
    w("            ref ConvParams p, int pixels, sbyte[] input, int i, sbyte[] weights, int[] foldedBias, int[] multiplier, int[] shift,")
    w("            sbyte[] output, int o)")
    w("        {")
    w("            int cin = p.InputC;")
    w("            int cout = p.OutputC;")
    w("            int zpOut = p.OutputZeroPoint;")
    w("            int actMin = p.ActMin;")
    w("            int actMax = p.ActMax;")
    w(f"            int channelBlocksEnd = cout - cout % {C};")
    w("            int left = pixels;")
    w("            int oc;")
    for size in sizes:
        loop = "while" if size == P else "if"
        w(f"            {loop} (left >= {size})")
        w("            {")
        w("                oc = 0;")
        w("                while (oc < channelBlocksEnd)")
        w("                {")
        extra = ", cin, cout" if size == 2 else ""
        w(f"                    Block{size}x{C}(input, i, cin, weights, oc, foldedBias, multiplier, shift, output, o + oc, cout, zpOut, actMin, actMax{extra});")
        w(f"                    oc += {C};")
        w("                }")
        w("")
        w(f"                Leftover(input, i, {size}, cin, weights, oc, foldedBias, multiplier, shift, output, o, cout, zpOut, actMin, actMax);")
        w(f"                left -= {size};")
        w(f"                i += {size} * cin;")
        w(f"                o += {size} * cout;")
        w("            }")
        w("")
    w("            if (left > 0)")
    w("            {")
    w("                oc = 0;")
    w("                while (oc < channelBlocksEnd)")
    w("                {")
    w(f"                    Block2x{C}(input, i, cin, weights, oc, foldedBias, multiplier, shift, output, o + oc, cout, zpOut, actMin, actMax, 0, 0);")
    w(f"                    oc += {C};")
    w("                }")
    w("")
    w("                Leftover(input, i, 1, cin, weights, oc, foldedBias, multiplier, shift, output, o, cout, zpOut, actMin, actMax);")
    w("            }")
    w("        }")
    w("")
    w(f"        /// <summary>Output channels from oc to Cout (fewer than {C}) of `pixels` pixels, one pixel and channel per Block1x1.</summary>")
    w("        private static void Leftover(")
    w("            sbyte[] input, int i, int pixels, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, int[] shift,")
    w("            sbyte[] output, int o, int cout, int zpOut, int actMin, int actMax)")
    w("        {")
    w("            for (int c = oc; c < cout; c++)")
    w("            {")
    w("                for (int px = 0; px < pixels; px++)")
    w("                {")
    w("                    Block1x1(input, i + px * cin, cin, weights, c, foldedBias, multiplier, shift, output, o + px * cout + c, zpOut, actMin, actMax);")
    w("                }")
    w("            }")
    w("        }")


header = f"""// Generated by `python3 tools/TinyDsc.Benchmarks/KernelGen/gen_pointwise_rows.py {P} {C} {K}`.
// Do not edit: change the generator and regenerate; GeneratedFilesTests fails on any difference.
namespace TinyDsc.Runtime.Kernels
{{
    /// <summary>
    /// Pointwise (1×1) int8 convolution of a few consecutive pixels, written for an IL interpreter (nanoCLR): the 1×1
    /// stages of a FusedBlock, which see one row (3 to 48 pixels) per call, too few for PointwiseConv's 16-pixel blocks.
    ///
    /// Formula: PointwiseConv's, for pixel p and output channel oc:
    ///   acc = foldedBias[oc] + Σ_{{i &lt; Cin}} q[p, i] · w[oc, i];
    ///   out = clamp(zp_out + MultiplyByQuantizedMultiplier(acc, multiplier[oc], shift[oc]), actMin, actMax).
    /// Layout: input [pixels, Cin], output [pixels, Cout] at the given offsets; weights [Cout, Cin]; foldedBias,
    /// multiplier, shift [Cout]. Ranges and accumulator bound: PointwiseConv's (Cin ≤ 66311, checked by the validator).
    ///
    /// How it stays cheap per MAC: as PointwiseConv, two pixels share one long accumulator per channel (the class
    /// comment of PointwiseConv gives the exactness argument), in blocks of {P}, {P // 2}, ... 2 pixels × {C} output
    /// channels with {K} input channels per inner-loop pass; a lone last pixel goes through the 2-pixel block as both of
    /// its pixels (computed twice, written once: no separate one-pixel block, which would cost 2 KB of the assembly's
    /// 64 KB of IL), output channels left over (Cout mod {C}) through Block1x1. Per MAC the {P}-pixel block costs about as much as
    /// PointwiseConv's 16-pixel one; the smaller blocks cost more, but only cover the last pixels of a row.
    /// </summary>
    public static class PointwiseRows
    {{
"""
body = []
out.clear()
run_method()
body.append("\n".join(out))
s = P
while s >= 2:
    out.clear()
    block_packed(s, C, K)
    body.append("\n".join(out))
    s //= 2
out.clear()
block_single(1, K, "Block1x1")
body.append("\n".join(out))
s = P
while s >= 2:
    out.clear()
    store_pairs(s // 2)
    body.append("\n".join(out))
    s //= 2
print(header + "\n\n".join(body) + "\n    }\n}")
