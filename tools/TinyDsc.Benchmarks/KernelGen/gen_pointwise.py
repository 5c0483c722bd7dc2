# Generates runtime/TinyDsc.Runtime/Kernels/PointwiseConv.g.cs: python3 gen_pointwise.py U C K > .../PointwiseConv.g.cs
# (blocks of 3·U pixels x C output channels, three pixels per long accumulator, K input channels per inner-loop pass;
# '4 8 8' is the committed choice, measured with `dotnet run --project tools/TinyDsc.Benchmarks -c Release -- ilcount-model`).
import os
import sys
HERE = os.path.dirname(os.path.abspath(__file__))
U, C, K = map(int, sys.argv[1:4])
P = 3 * U
CHUNK = 64  # input channels per chunk: 64·128·127 = 1,040,384 < 2^20, so every 21-bit lane sum is exact
assert CHUNK % K == 0
out = []
def w(s=""): out.append(s)


def block(u_count, c_count, name, tail):
    """Block of 3·u_count pixels x c_count channels over packed[(i·u_count + u)]."""
    Uc, Cc = u_count, c_count
    split = not tail  # the full-group blocks also run a layer's two chunks in two calls (Compute's split mode)
    # Locals of one pass: all packed longs (Uc·K) and one channel's weights (K), or all weights (Cc·K) and one triple's longs.
    xall = Uc * K + K <= Cc * K + K
    w("        /// <summary>")
    w(f"        /// {3 * Uc} pixels × {Cc} output channel(s) from the packed activations (packed[i·{Uc} + u] holds input channel i of")
    w(f"        /// pixels 3u, 3u + 1, 3u + 2) and weights[oc·cin]; outputs from output[o] on, pixel stride cout. The long a{{u}}{{c}}")
    w("        /// holds the three pixels' sums of channel c in 21-bit lanes; every 64 input channels the lanes are flushed into")
    w(f"        /// packed[{Uc}·cin …] (the first chunk's longs, then the partial sums) and restarted, so no lane ever holds more than 64 products.")
    if split:
        w(f"        /// With keep ≥ 0 (Compute's split mode, {CHUNK} &lt; cin ≤ {2 * CHUNK}) packed holds one chunk only: with first = 0 the block")
        w(f"        /// sums input channels 0 .. {CHUNK - 1} and keeps its longs at packed[keep + {Uc}·oc …]; with first = {CHUNK} it sums the")
        w("        /// rest (packed from index 0 again) and stores the outputs as after two chunks.")
    if tail:
        w("        /// Only the first count (1..3) pixels are written.")
    w("        /// </summary>")
    w(f"        private static void {name}(")
    w("            long[] packed, int cin, sbyte[] weights, int oc, int[] foldedBias, int[] multiplier, sbyte[] shift,")
    w("            sbyte[] output, int o, int cout, long zt, long lo, long range" + (", int count)" if tail else ", int first, int keep)"))
    w("        {")
    for u in range(Uc):
        w("            long " + ", ".join(f"a{u}{c} = Offset" for c in range(Cc)) + ";")
    if xall:
        for u in range(Uc):
            w("            long " + ", ".join(f"x{u}{k}" for k in range(K)) + ";")
        w("            long " + ", ".join(f"w{k}" for k in range(K)) + ";")
    else:
        w("            long " + ", ".join(f"x{k}" for k in range(K)) + ";")
        for c in range(Cc):
            w("            long " + ", ".join(f"w{c}{k}" for k in range(K)) + ";")
    if split:
        w("            int j0 = oc * cin + first;")
        w(f"            int n = keep < 0 ? cin : first == 0 ? {CHUNK} : cin - first;")
        w(f"            int tail = n % {K};")
        w("            int main = n - tail;")
        w(f"            int part = keep < 0 ? {U} * cin : keep + {Uc} * oc;")
        w("            int raw = first > 0 ? part : -1;")
        w("            n = 0;")
    else:
        w("            int j0 = oc * cin;")
        w("            int n = 0;")
        w(f"            int tail = cin % {K};")
        w("            int main = cin - tail;")
        w(f"            int part = {Uc} * cin;")
        w("            int raw = -1;")
    if Cc > 1:
        w("            int j;")
    w(f"            int ext = part + {Uc * Cc};")
    w("            int at = -1;")
    w("            int size, end;")
    w("            while (true)")
    w("            {")
    w(f"                size = main > {CHUNK} ? {CHUNK} : main;")
    w("                main -= size;")
    w("                end = j0 + size;")
    w("                while (j0 < end)")
    w("                {")
    def jrow(c):
        return "j0" if Cc == 1 or (c == 0 and not xall) else "j"
    if xall:
        for u in range(Uc):
            for k in range(K):
                idx = k * Uc + u
                w(f"                    x{u}{k} = packed[n{'' if idx == 0 else ' + ' + str(idx)}];")
        for c in range(Cc):
            if Cc > 1:
                w("                    j = j0;" if c == 0 else "                    j += cin;")
            jr = "j0" if Cc == 1 else "j"
            for k in range(K):
                w(f"                    w{k} = weights[{jr}{'' if k == 0 else ' + ' + str(k)}];")
            for u in range(Uc):
                w(f"                    a{u}{c} += " + " + ".join(f"x{u}{k} * w{k}" for k in range(K)) + ";")
    else:
        for c in range(Cc):
            if Cc > 1:
                w("                    j = j0;" if c == 0 else "                    j += cin;")
            jr = "j0" if Cc == 1 else "j"
            for k in range(K):
                w(f"                    w{c}{k} = weights[{jr}{'' if k == 0 else ' + ' + str(k)}];")
        for u in range(Uc):
            for k in range(K):
                idx = k * Uc + u
                w(f"                    x{k} = packed[n{'' if idx == 0 else ' + ' + str(idx)}];")
            for c in range(Cc):
                w(f"                    a{u}{c} += " + " + ".join(f"x{k} * w{c}{k}" for k in range(K)) + ";")
    w(f"                    n += {K * Uc};")
    w(f"                    j0 += {K};")
    w("                }")
    w("")
    if split:
        w(f"                if (main == 0 && (tail == 0 || size + tail <= {CHUNK}) && (keep < 0 || first > 0))")
    else:
        w(f"                if (main == 0 && (tail == 0 || size + tail <= {CHUNK}))")
    w("                {")
    w("                    break;")
    w("                }")
    w("")
    w("                // A full chunk: the first one's accumulators are kept as they are, later ones are split into the")
    w("                // partial sums; then they restart at the offset.")
    w("                if (raw < 0)")
    w("                {")
    for u in range(Uc):
        for c in range(Cc):
            k = u * Cc + c
            w(f"                    packed[part{'' if k == 0 else ' + ' + str(k)}] = a{u}{c};")
    if split:
        w("                    if (keep >= 0)")
        w("                    {")
        w("                        return;")
        w("                    }")
        w("")
    w("                    raw = part;")
    w("                }")
    w("                else")
    w("                {")
    for c in range(Cc):
        accs = ", ".join(f"a{u}{c}" for u in range(Uc))
        w(f"                    Flush{Uc}(packed, ext{'' if c == 0 else ' + ' + str(3 * Uc * c)}, at >= 0, {accs});")
    w("                    at = ext;")
    w("                }")
    w("")
    for u in range(Uc):
        w("                " + " ".join(f"a{u}{c} = Offset;" for c in range(Cc)))
    w("            }")
    w("")
    w(f"            // Input channels left over (cin mod {K}), in the last chunk.")
    w("            end = j0 + tail;")
    w("            while (j0 < end)")
    w("            {")
    xv = (lambda u: f"x{u}0") if xall else (lambda u: "x0")
    if xall:
        for u in range(Uc):
            w(f"                x{u}0 = packed[n{'' if u == 0 else ' + ' + str(u)}];")
        for c in range(Cc):
            if Cc > 1:
                w("                j = j0;" if c == 0 else "                j += cin;")
            w(f"                w0 = weights[{'j0' if Cc == 1 else 'j'}];")
            for u in range(Uc):
                w(f"                a{u}{c} += x{u}0 * w0;")
    else:
        for c in range(Cc):
            if Cc > 1:
                w("                j = j0;" if c == 0 else "                j += cin;")
            w(f"                w{c}0 = weights[{'j0' if Cc == 1 else 'j'}];")
        for u in range(Uc):
            w(f"                x0 = packed[n{'' if u == 0 else ' + ' + str(u)}];")
            for c in range(Cc):
                w(f"                a{u}{c} += x0 * w{c}0;")
    w(f"                n += {Uc};")
    w("                j0++;")
    w("            }")
    w("")
    cnt = ', count' if tail else ''
    w("            if (raw < 0)")
    w("            {")
    for c in range(Cc):
        idx = "oc" if c == 0 else f"oc + {c}"
        accs = ", ".join(f"a{u}{c}" for u in range(Uc))
        w(f"                Store{Uc}(output, o{'' if c == 0 else ' + ' + str(c)}, cout, {accs}, foldedBias[{idx}], multiplier[{idx}], shift[{idx}], zt, lo, range{cnt});")
    w("                return;")
    w("            }")
    w("")
    w("            if (at < 0)")
    w("            {")
    w("                // Two chunks: each pixel's sum is its lane of the first chunk's long plus its lane of the second's.")
    for c in range(Cc):
        idx = "oc" if c == 0 else f"oc + {c}"
        accs = ", ".join(f"a{u}{c}" for u in range(Uc))
        raws = ", ".join(f"packed[raw{'' if u * Cc + c == 0 else ' + ' + str(u * Cc + c)}]" for u in range(Uc))
        w(f"                Store{Uc}R(output, o{'' if c == 0 else ' + ' + str(c)}, cout, {accs}, {raws}, foldedBias[{idx}], multiplier[{idx}], shift[{idx}], zt, lo, range{cnt});")
    w("                return;")
    w("            }")
    w("")
    w("            // More chunks: the last one and the first one join the partial sums, which are then requantized.")
    for c in range(Cc):
        accs = ", ".join(f"a{u}{c}" for u in range(Uc))
        raws = ", ".join(f"packed[raw{'' if u * Cc + c == 0 else ' + ' + str(u * Cc + c)}]" for u in range(Uc))
        w(f"            Flush{Uc}(packed, ext{'' if c == 0 else ' + ' + str(3 * Uc * c)}, true, {accs});")
        w(f"            Flush{Uc}(packed, ext{'' if c == 0 else ' + ' + str(3 * Uc * c)}, true, {raws});")
    for c in range(Cc):
        idx = "oc" if c == 0 else f"oc + {c}"
        w(f"            StoreParts(output, o{'' if c == 0 else ' + ' + str(c)}, cout, packed, ext{'' if c == 0 else ' + ' + str(3 * Uc * c)}, {'count' if tail else 3 * Uc}, foldedBias[{idx}], multiplier[{idx}], shift[{idx}], zt, lo, range);")
    w("        }")


def flush(Uc):
    w("        /// <summary>")
    w(f"        /// Splits one channel's {Uc} three-lane accumulator(s) into the {3 * Uc} pixels' sums (removing the lane offsets) and")
    w("        /// stores them (add false) or adds them (add true) at part[at …].")
    w("        /// </summary>")
    w(f"        private static void Flush{Uc}(long[] part, int at, bool add, " + ", ".join(f"long a{u}" for u in range(Uc)) + ")")
    w("        {")
    exprs = []
    for u in range(Uc):
        exprs += [f"((int)a{u} & 0x1FFFFF) - 0x100000", f"((int)(a{u} >> 21) & 0x1FFFFF) - 0x100000", f"(int)(a{u} >> 42) - 0x100000"]
    w("            if (add)")
    w("            {")
    for p, e in enumerate(exprs):
        ix = f"at{'' if p == 0 else ' + ' + str(p)}"
        w(f"                part[{ix}] = part[{ix}] + ({e});")
    w("                return;")
    w("            }")
    w("")
    for p, e in enumerate(exprs):
        w(f"            part[at{'' if p == 0 else ' + ' + str(p)}] = {e};")
    w("        }")


def lane(u, h, raw):
    """A pixel's lane of a{u} (plus r{u}'s) as a long, offsets included."""
    one = [f"a{u} & mask", f"a{u} >> 21 & mask", f"a{u} >> 42"]
    if not raw:
        return one[h]
    two = [f"r{u} & mask", f"r{u} >> 21 & mask", f"r{u} >> 42"]
    return f"({one[h]}) + ({two[h]})"


def store(Uc, tail, raw=False, relu_copy=False):
    off = "0x200000" if raw else "0x100000"
    n_out = 3 * Uc
    w("        /// <summary>")
    w(f"        /// Outputs of one channel for {n_out} pixels from output[t] on, pixel stride cout, from the lanes of a{{u}}")
    if raw:
        w("        /// plus those of r{u} (two chunks' longs: each lane carries 2·2^20)")
    else:
        w("        /// (each lane carries 2^20)")
    w("        /// and the folded bias b. When shift is −23..0 and |b| ≤ 2^30 (no int32 sum can wrap) in one step per output:")
    w("        /// Requantize's one-rounding form with b, the lane offsets and zp_out − actMin folded into the channel's constant k,")
    w("        /// so y − actMin = floor((f·m + k) / 2^(31 − shift)) for lane value f and one unsigned compare clamps it; the sign")
    w("        /// test (acc &lt; 0 exactly when f is below the offsets less b) picks k − 2^31 for shift &lt; 0" + (", and a ReLU-type clamp" if relu_copy else ""))
    if relu_copy:
        w("        /// (actMin ≥ zp_out: both constants give y ≤ zp_out for acc &lt; 0) runs a copy without it" + (", which folds actMin into k" if not tail else "."))
        if not tail:
            w("        /// as well and clamps y with two signed compares.")
    else:
        w("        /// (under a ReLU-type clamp, actMin ≥ zp_out, never taken: both constants give y ≤ zp_out for acc &lt; 0).")
    w("        /// Other channels go through StoreLanes (Requantize.Clamp, int32 sums as the reference's).")
    if tail:
        w("        /// Only the first count (1..3) pixels are written.")
    w("        /// </summary>")
    w(f"        private static void Store{Uc}{'R' if raw else ''}(")
    w("            sbyte[] output, int t, int cout, " + ", ".join(f"long a{u}" for u in range(Uc)) + ("," if not raw else ", " + ", ".join(f"long r{u}" for u in range(Uc)) + ","))
    w("            int b, int multiplier, int shift, long zt, long lo, long range" + (", int count)" if tail else ")"))
    w("        {")
    w("            if ((uint)(shift + 23) > 23u || (uint)(b + 0x40000000) > 0x80000000u)")
    w("            {")
    for u in range(Uc):
        r = f"r{u}" if raw else "0"
        n = "count" if tail else "3"
        w(f"                StoreLanes(output, t{'' if u == 0 else ' + ' + str(3 * u) + ' * cout'}, cout, a{u}, {r}, b - {off}, multiplier, shift, zt, lo, range, {n});")
    w("                return;")
    w("            }")
    w("")
    w("            long m = multiplier;")
    w("            int right = 31 - shift;")
    w(f"            // |f·m + k| < 2^53 + (2^30 + 2^21)·2^31 + 2^54 + 255·2^54 < 2^63 (|b| ≤ 2^30, right ≤ 54).")
    split = relu_copy and not tail  # the ReLU copy folds zp_out instead of zp_out − actMin: zt joins k per path
    w(f"            long k = (shift < 0 ? (1L << (30 - shift)) + 0x40000000L : 0x40000000L) + (long)(b - {off}) * m" + (";" if split else " + (zt << right);"))
    w("            long mask = 0x1FFFFF;")
    w("            long y;")
    if not tail:
        w("            // A long's three pixels are at t, t + cout and t + c2; t moves by c3 from one long to the next.")
        w("            int c2 = cout + cout;")
        w("            int c3 = c2 + cout;")

    def outputs(relu):
        for u in range(Uc):
            for h in range(3):
                p = 3 * u + h
                e = lane(u, h, raw)
                ix = "t" if tail else ["t", "t + cout", "t + c2"][h]
                if relu and not tail:
                    w(f"{ind}y = (({e}) * m + k) >> right;")
                    w(f"{ind}output[{ix}] = y < lo ? low : y > range ? (sbyte)range : (sbyte)y;")
                elif relu:
                    w(f"{ind}y = (({e}) * m + k) >> right;")
                    w(f"{ind}output[{ix}] = (ulong)y > (ulong)range ? (sbyte)(y < 0 ? lo : lo + range) : (sbyte)(y + lo);")
                else:
                    w(f"{ind}f = {e};")
                    w(f"{ind}y = (f * m + (f < nb ? kNeg : k)) >> right;")
                    w(f"{ind}output[{ix}] = (ulong)y > (ulong)range ? (sbyte)(y < 0 ? lo : lo + range) : (sbyte)(y + lo);")
                if tail and p < 2:
                    w(f"{ind}if (count == {p + 1})")
                    w(f"{ind}{{")
                    w(f"{ind}    return;")
                    w(f"{ind}}}")
                    w("")
                if tail and p < n_out - 1:
                    w(f"{ind}t += cout;")
                elif h == 2 and p < n_out - 1:
                    w(f"{ind}t += c3;")

    if relu_copy:
        w("            if (zt <= 0)")
        w("            {")
        if not split:
            pass
        else:
            w("                // Here y is the output itself (zp_out · 2^right joins k), clamped by two signed compares: the")
            w("                // one taken first, y < actMin, is the usual ReLU outcome.")
            w("                k += (zt + lo) << right;")
            w("                range += lo;")
            w("                sbyte low = (sbyte)lo;")
        ind = "                "
        outputs(True)
        w("                return;")
        w("            }")
        w("")
        if split:
            w("            k += zt << right;")
        w("            long kNeg = shift < 0 ? k - 0x80000000L : k;")
        w(f"            long nb = {off} - b;")
    else:
        w("            long kNeg = shift < 0 ? k - 0x80000000L : k;")
        w(f"            long nb = zt <= 0 ? long.MinValue : {off} - b;")
    w("            long f;")
    ind = "            "
    outputs(False)
    w("        }")


def store_lanes():
    w("        /// <summary>")
    w("        /// The first n (1..3) pixels of one channel from the lanes of a plus those of r (0 when there is one long) plus bo (the")
    w("        /// folded bias less the lane offsets), each through Requantize.Clamp in int32 as the reference: Store's path for shift")
    w("        /// &gt; 0 or &lt; −23 and for a folded bias beyond ±2^30.")
    w("        /// </summary>")
    w("        private static void StoreLanes(")
    w("            sbyte[] output, int t, int cout, long a, long r, int bo, int multiplier, int shift, long zt, long lo, long range, int n)")
    w("        {")
    w("            int actMin = (int)lo;")
    w("            int actMax = (int)(lo + range);")
    w("            int zpOut = (int)(lo + zt);")
    w("            while (n > 0)")
    w("            {")
    w("                output[t] = (sbyte)Requantize.Clamp(((int)a & 0x1FFFFF) + ((int)r & 0x1FFFFF) + bo, multiplier, shift, zpOut, actMin, actMax);")
    w("                a >>= 21;")
    w("                r >>= 21;")
    w("                t += cout;")
    w("                n--;")
    w("            }")
    w("        }")


def requant_inline(vexpr, indent, last, tail_p=None):
    w(f"{indent}v = {vexpr};")
    w(f"{indent}q = (int)((v * m + (v < 0 ? kNeg : kPos)) >> right);")
    w(f"{indent}output[t] = (sbyte)(q < actMin ? actMin : q > actMax ? actMax : q);")
    if tail_p is not None:
        w(f"{indent}if (count == {tail_p + 1})")
        w(f"{indent}{{")
        w(f"{indent}    return;")
        w(f"{indent}}}")
        w("")
    if not last:
        w(f"{indent}t += cout;")


def store_parts():
    w("        /// <summary>")
    w("        /// Outputs of one channel for n pixels from output[t] on, pixel stride cout, from the chunked sums part[at …] plus the")
    w("        /// folded bias b, requantized as in Store.")
    w("        /// </summary>")
    w("        private static void StoreParts(")
    w("            sbyte[] output, int t, int cout, long[] part, int at, int n, int b, int multiplier, int shift, long zt, long lo, long range)")
    w("        {")
    w("            int actMin = (int)lo;")
    w("            int actMax = (int)(lo + range);")
    w("            int zpOut = (int)(lo + zt);")
    w("            int end = at + n;")
    w("            if (shift > 0 || shift < -23)")
    w("            {")
    w("                while (at < end)")
    w("                {")
    w("                    output[t] = (sbyte)Requantize.Clamp((int)part[at] + b, multiplier, shift, zpOut, actMin, actMax);")
    w("                    t += cout;")
    w("                    at++;")
    w("                }")
    w("")
    w("                return;")
    w("            }")
    w("")
    w("            long m = multiplier;")
    w("            int right = 31 - shift;")
    w("            // One rounding step (Requantize), with zp_out·2^right folded into both constants: right ≤ 54 keeps the sum")
    w("            // within ±(2^62 + 2^54 + 2^61) < 2^63, and floor((x + zp·2^right) / 2^right) = floor(x / 2^right) + zp.")
    w("            long zp = (long)zpOut << right;")
    w("            long kPos = shift == 0 ? 0x40000000L + zp : 0x40000000L + (1L << (30 - shift)) + zp;")
    w("            long kNeg = shift == 0 ? kPos : kPos - 0x80000000L;")
    w("            int v, q;")
    w("            while (at < end)")
    w("            {")
    requant_inline("(int)part[at] + b", "                ", False)
    w("                at++;")
    w("            }")
    w("        }")


def pack_full():
    w("        /// <summary>")
    w(f"        /// Packs count channels of {P} pixels from input[i] on (pixel stride cin): packed[c·{U} + u] = q[3u, c] + q[3u + 1, c]·2^21 + q[3u + 2, c]·2^42.")
    w("        /// </summary>")
    w(f"        private static void Pack{P}(sbyte[] input, int i, int cin, int count, long[] packed)")
    w("        {")
    w("            // Pixel p's channel at input[i + s_p]: one index moves, the offsets s_p = p·cin stay.")
    w("            int s2 = cin + cin;")
    for p in range(3, P):
        w(f"            int s{p} = s{p - 1} + cin;")
    w("            int end = i + count;")
    w("            int n = 0;")
    w("            while (i < end)")
    w("            {")
    def at(p):
        return "input[i]" if p == 0 else "input[i + cin]" if p == 1 else f"input[i + s{p}]"
    # The two low lanes are summed as an int (|q·2^21| ≤ 2^28), one conversion to long per packed long.
    for u in range(U):
        w(f"                packed[n{'' if u == 0 else ' + ' + str(u)}] = (long)({at(3 * u)} + ({at(3 * u + 1)} << 21)) + ((long){at(3 * u + 2)} << 42);")
    w(f"                n += {U};")
    w("                i++;")
    w("            }")
    w("        }")


def pack_tail():
    w("        /// <summary>")
    w("        /// Packs count (1..3) pixels from input[i] on: packed[c] = q[0, c] + q[1, c]·2^21 + q[2, c]·2^42, absent pixels 0.")
    w("        /// </summary>")
    w("        private static void Pack3(sbyte[] input, int i, int cin, int count, long[] packed)")
    w("        {")
    w("            int end = i + cin;")
    w("            int i1 = i + cin;")
    w("            int i2 = i1 + cin;")
    w("            int n = 0;")
    w("            while (i < end)")
    w("            {")
    w("                packed[n] = count == 1 ? input[i] : count == 2 ? input[i] + ((long)input[i1] << 21)")
    w("                    : input[i] + ((long)input[i1] << 21) + ((long)input[i2] << 42);")
    w("                n++;")
    w("                i++;")
    w("                i1++;")
    w("                i2++;")
    w("            }")
    w("        }")


header = open(os.path.join(HERE, "pointwise_header.cs.txt")).read()
run = open(os.path.join(HERE, "pointwise_run.cs.txt")).read()
body = ["""        /// <summary>
        /// Start value of every three-lane accumulator: 2^20 in each lane, so that every lane stays in 0 .. 2^21 − 1 (its
        /// sum is within ±1,040,384), the long stays in 0 .. 2^63 − 1 and each lane reads back with a shift and a mask.
        /// </summary>
        private const long Offset = 0x4000020000100000L;"""]
for fn in [pack_full, pack_tail,
           lambda: block(U, C, f"Block{P}x{C}", False), lambda: block(U, 1, f"Block{P}x1", False),
           lambda: block(1, C, f"Block3x{C}", True), lambda: block(1, 1, "Block3x1", True),
           lambda: flush(U), lambda: flush(1) if U != 1 else None,
           lambda: store(U, False, relu_copy=True), lambda: store(1, True, relu_copy=True), lambda: store(U, False, True), lambda: store(1, True, True),
           store_lanes, store_parts]:
    out.clear()
    fn()
    if out:
        body.append("\n".join(out))
def subst(s):
    return s.replace("$CHUNK", str(CHUNK)).replace("$U", str(U)).replace("$P", str(P)).replace("$C", str(C)).replace("$K", str(K))
print(subst(header) + subst(run) + "\n\n".join(body) + "\n    }\n}")
