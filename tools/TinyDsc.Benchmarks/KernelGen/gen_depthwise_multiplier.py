# Generates runtime/TinyDsc.Runtime/Kernels/DepthwiseConv3x3Multiplier.g.cs:
#   python3 gen_depthwise_multiplier.py > ../../../runtime/TinyDsc.Runtime/Kernels/DepthwiseConv3x3Multiplier.g.cs
# One row method per chunk size (8, 4, 2, 1 output channels sharing one input channel's nine taps; up to three
# channels' sums in one long, 21-bit fields: GROUPS) with the bias,
# zero point and clamp base folded into the rounding constants (chunks whose channels all pass Folds), and
# Row1General, the unfolded one-channel row for any other channel.
import os
HERE = os.path.dirname(os.path.abspath(__file__))
CHUNKS = [8, 4, 2, 1]
out = []
def w(s=""): out.append(s)

def row(C):
    w("        /// <summary>One output row of output channel oc, which reads the band channel at index i (ox = 0); any shift and bias.</summary>")
    w("        private static void Row1General(")
    w("            sbyte[] band, int i, int cin, int rowBytes, int step, int outW, sbyte[] weights, int oc, int[] foldedBias,")
    w("            int[] multiplier, sbyte[] shift, sbyte[] output, int o, int cout, int zpOut, int actMin, int actMax)")
    w("        {")
    w("            int o1 = cin;")
    w("            int o2 = 2 * cin;")
    w("            int o3 = rowBytes;")
    w("            int o4 = rowBytes + cin;")
    w("            int o5 = rowBytes + 2 * cin;")
    w("            int o6 = 2 * rowBytes;")
    w("            int o7 = 2 * rowBytes + cin;")
    w("            int o8 = 2 * rowBytes + 2 * cin;")
    w("            int wb = oc * 9;")
    w("            int s;")
    for c in range(C):
        for t in range(9):
            off = c * 9 + t
            w(f"            int w{c}{t} = weights[wb{'' if off == 0 else ' + ' + str(off)}];")
    for c in range(C):
        idx = "oc" if c == 0 else f"oc + {c}"
        w(f"            int b{c} = foldedBias[{idx}];")
        w(f"            long m{c} = multiplier[{idx}];")
        w(f"            s = shift[{idx}];")
        w(f"            int p{c} = s > 0 ? 1 << s : 1;")
        w(f"            int r{c} = s > 0 ? 31 : 31 - s;")
        w(f"            long kp{c} = s >= 0 ? 0x40000000L : 0x40000000L + (1L << (30 - s));")
        w(f"            long kn{c} = s >= 0 ? kp{c} : kp{c} - 0x80000000L;")
    w("            int v, q;")
    w("            int end = i + outW * step;")
    w("            while (i < end)")
    w("            {")
    w("                int t0 = band[i];")
    for t in range(1, 9):
        w(f"                int t{t} = band[i + o{t}];")
    for c in range(C):
        terms = " + ".join(f"t{t} * w{c}{t}" for t in range(9))
        w(f"                v = (b{c} + {terms}) * p{c};")
        w(f"                q = (int)((v * m{c} + (v < 0 ? kn{c} : kp{c})) >> r{c}) + zpOut;")
        w(f"                output[o{'' if c == 0 else ' + ' + str(c)}] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
    w("                i += step;")
    w("                o += cout;")
    w("            }")
    w("        }")

# Chunks whose constants come from Fold (a call per channel and row, for bytecode); the others inline them (IL).
FOLD_CALL = [4, 1]
# Chunks with a second loop for ReLU-type clamps, without the per-output sign test (IL; the stems use Row8).
RELU_COPY = [8]
GROUPS = {8: [[0, 1, 2], [3, 4, 5], [6, 7]], 4: [[0, 1], [2, 3]], 2: [[0, 1]], 1: [[0]]}


def fold_row(C):
    w(f"        /// <summary>One output row of output channels oc..oc+{C - 1}, which all read the band channel at index i (ox = 0); every channel passes Folds.</summary>")
    w(f"        private static void Row{C}(")
    w("            sbyte[] band, int i, int cin, int rowBytes, int step, int outW, sbyte[] weights, int oc, int[] foldedBias,")
    w("            int[] multiplier, sbyte[] shift, sbyte[] output, int o, int cout, int zpOut, int actMin, int actMax)")
    w("        {")
    w("            int o1 = cin;")
    w("            int o2 = 2 * cin;")
    w("            int o3 = rowBytes;")
    w("            int o4 = rowBytes + cin;")
    w("            int o5 = rowBytes + 2 * cin;")
    w("            int o6 = 2 * rowBytes;")
    w("            int o7 = 2 * rowBytes + cin;")
    w("            int o8 = 2 * rowBytes + 2 * cin;")
    w("            int wb = oc * 9;")
    w("            long zpTerm = actMin - zpOut;")
    w("            int range = actMax - actMin;")
    w("            sbyte lo = (sbyte)actMin;")
    w("            sbyte hi = (sbyte)actMax;")
    groups = GROUPS[C]
    if C not in FOLD_CALL:
        w("            int s, l;")
    for g, chans in enumerate(groups):
        for t in range(9):
            parts = []
            for j, c in enumerate(chans):
                off = c * 9 + t
                idx = "wb" if off == 0 else f"wb + {off}"
                parts.append(f"weights[{idx}]" if j == 0 else f"((long)weights[{idx}] << {21 * j})")
            w(f"            long p{g}{t} = {' + '.join(parts)};")
    for g, chans in enumerate(groups):
        for j, c in enumerate(chans):
            idx = "oc" if c == 0 else f"oc + {c}"
            field = j < len(chans) - 1
            if C in FOLD_CALL:
                w(f"            long k{c} = Fold(multiplier, shift, foldedBias, {idx}, zpTerm, {'0x100000' if field else '0'}, out long m{c}, out int r{c}, out long j{c}, out long n{c});")
                continue
            w(f"            s = shift[{idx}];")
            w("            l = s > 0 ? s : 0;")
            w(f"            long m{c} = (long)multiplier[{idx}] << l;")
            w(f"            int r{c} = 31 + l - s;")
            off = f" - (m{c} << 20)" if field else ""
            w(f"            long k{c} = (s < 0 ? (1L << (r{c} - 1)) + 0x40000000L : 0x40000000L) + foldedBias[{idx}] * m{c} - (zpTerm << r{c}){off};")
            w(f"            long j{c} = s < 0 ? k{c} - 0x80000000L : k{c};")
            w(f"            long n{c} = {'0x100000L - ' if field else '-'}(long)foldedBias[{idx}];")
    w("            int y;")
    w("            long a, f;")
    w("            // The nine taps, declared once: both loops share their frame slots.")
    w("            long t0, t1, t2, t3, t4, t5, t6, t7, t8;")
    w("            int end = i + outW * step;")

    def loop(relu):
        ind = "    " if relu else ""
        w(f"{ind}            while (i < end)")
        w(f"{ind}            {{")
        w(f"{ind}                t0 = band[i];")
        for t in range(1, 9):
            w(f"{ind}                t{t} = band[i + o{t}];")
        for g, chans in enumerate(groups):
            base = sum(0x100000 << (21 * j) for j in range(len(chans) - 1))
            terms = " + ".join(f"t{t} * p{g}{t}" for t in range(9))
            w(f"{ind}                a = {('0x%XL + ' % base) if base else ''}{terms};")
            for j, c in enumerate(chans):
                last = j == len(chans) - 1
                if j == 0:
                    src = "a" if last else "a & 0x1FFFFFL"
                else:
                    src = f"a >> {21 * j}" if last else f"(a >> {21 * j}) & 0x1FFFFFL"
                oi = "o" if c == 0 else f"o + {c}"
                if relu:
                    w(f"{ind}                y = (int)((({src}) * m{c} + k{c}) >> r{c});")
                else:
                    w(f"{ind}                f = {src};")
                    w(f"{ind}                y = (int)((f * m{c} + (f < n{c} ? j{c} : k{c})) >> r{c});")
                w(f"{ind}                if ((uint)y > (uint)range)")
                w(f"{ind}                {{")
                w(f"{ind}                    output[{oi}] = y < 0 ? lo : hi;")
                w(f"{ind}                }}")
                w(f"{ind}                else")
                w(f"{ind}                {{")
                w(f"{ind}                    output[{oi}] = (sbyte)(y + actMin);")
                w(f"{ind}                }}")
                w("")
        w(f"{ind}                i += step;")
        w(f"{ind}                o += cout;")
        w(f"{ind}            }}")

    if C in RELU_COPY:
        w("            if (zpTerm >= 0)")
        w("            {")
        w("                // ReLU-type clamp (actMin ≥ zpOut): acc < 0 gives y ≤ 0 with k as with j (the nudge is below one")
        w("                // step), clamped to actMin either way, so the sign test is left out.")
        loop(True)
        w("")
        w("                return;")
        w("            }")
        w("")
    loop(False)
    w("        }")


head = open(os.path.join(HERE, "depthwise_multiplier_head.cs.txt")).read()
rows = []
for C in CHUNKS:
    out.clear()
    fold_row(C)
    rows.append("\n".join(out))
out.clear()
row(1)
rows.append("\n".join(out))
print(head + "\n\n".join(rows) + "\n    }\n}")
