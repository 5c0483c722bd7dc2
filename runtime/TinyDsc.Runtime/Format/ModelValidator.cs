using System;

namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// The semantic rules of runtime/FORMAT.md applied to a <see cref="Model"/> in memory: tensor shapes, quantization
    /// and arena ranges; op codes and tensor indices; each op's shape formula, fields and parameter ranges; the int32
    /// accumulator bound; data flow (inputs produced before use, the model output produced) and arena overlaps
    /// (no op writes over its own inputs, no tensor is overwritten while it is still to be read).
    /// ModelReader calls it on every file it loads, the interpreter on in-memory models and the converter's writer
    /// before it writes. A model that passes runs in the interpreter without an exception.
    /// </summary>
    public static class ModelValidator
    {
        /// <summary>Checks every rule; the first violation is thrown.</summary>
        /// <exception cref="ArgumentNullException">model is null.</exception>
        /// <exception cref="ModelFormatException">a rule is broken; the message names the tensor or operator, the field and the values.</exception>
        public static void Validate(Model model)
        {
            ValidateStructure(model);
            ValidateArrays(model);
        }

        /// <summary>Everything except the contents of the weight, bias, multiplier and shift arrays.</summary>
        internal static void ValidateStructure(Model model)
        {
            if (model == null)
            {
                throw new ArgumentNullException("model");
            }

            TensorInfo[] tensors = model.Tensors;
            if (tensors == null)
            {
                Fail("model: tensor table is null");
            }

            if (tensors.Length < 1 || tensors.Length > FormatLayout.MaxTensors)
            {
                Fail("model: tensor count " + tensors.Length + " is outside 1.." + FormatLayout.MaxTensors);
            }

            OperatorInfo[] ops = model.Operators;
            if (ops == null)
            {
                Fail("model: operator table is null");
            }

            if (ops.Length < 1 || ops.Length > FormatLayout.MaxOperators)
            {
                Fail("model: operator count " + ops.Length + " is outside 1.." + FormatLayout.MaxOperators);
            }

            if (model.ArenaSize < 1 || model.ArenaSize > FormatLayout.MaxArenaSize)
            {
                Fail("model: arena size " + model.ArenaSize + " is outside 1.." + FormatLayout.MaxArenaSize);
            }

            for (int i = 0; i < tensors.Length; i++)
            {
                ValidateTensor(i, tensors[i], model.ArenaSize);
            }

            CheckModelTensorIndex("input tensor", model.InputTensor, tensors.Length);
            CheckModelTensorIndex("output tensor", model.OutputTensor, tensors.Length);
            if (model.InputTensor == model.OutputTensor)
            {
                Fail("model: output tensor " + model.OutputTensor + " is the same as the input tensor");
            }

            for (int j = 0; j < ops.Length; j++)
            {
                ValidateOperator(model, j);
            }

            FusedGroupRules.Validate(model);
            ValidateDataflow(model);
            ValidateArenaExtent(model);
        }

        /// <summary>
        /// The arena is exactly as large as the plan needs: the end of the last tensor or fused-block work area
        /// (FORMAT.md "Arena size"), so a file cannot make the runtime allocate bytes no tensor uses.
        /// </summary>
        private static void ValidateArenaExtent(Model model)
        {
            long end = 0;
            TensorInfo[] tensors = model.Tensors;
            for (int t = 0; t < tensors.Length; t++)
            {
                if (tensors[t].ArenaOffset >= 0 && (long)tensors[t].ArenaOffset + tensors[t].ByteSize > end)
                {
                    end = (long)tensors[t].ArenaOffset + tensors[t].ByteSize;
                }
            }

            OperatorInfo[] ops = model.Operators;
            for (int j = 0; j < ops.Length; j++)
            {
                if (FusedGroupRules.IsGroup(ops[j]) && FusedGroupRules.WorkEnd(ops[j]) > end)
                {
                    end = FusedGroupRules.WorkEnd(ops[j]);
                }
            }

            if (model.ArenaSize != end)
            {
                Fail("model: arena size " + model.ArenaSize + " differs from " + end + ", the end of the last tensor or work area in it (the arena is exactly what the plan needs)");
            }
        }

        /// <summary>
        /// Weight, bias, multiplier and shift arrays: present exactly for Conv2D and FullyConnected (bias optional),
        /// lengths from the shapes, values in range; a GlobalAveragePool may carry one multiplier and one shift. Requires <see cref="ValidateStructure"/> to have passed.
        /// </summary>
        internal static void ValidateArrays(Model model)
        {
            OperatorInfo[] ops = model.Operators;
            for (int j = 0; j < ops.Length; j++)
            {
                OperatorInfo op = ops[j];
                int code = op.OpCode;
                if (code == OpCodes.GlobalAveragePool)
                {
                    ValidatePoolRequantization(model, j, op);
                    continue;
                }

                if (code == OpCodes.PRelu)
                {
                    // The alphas: one int8 per channel (the input's last dim), any value (-128 included: p4 is their zero point).
                    long alphas = WeightCount(model, op);
                    if (op.Weights == null || op.Weights.Length != alphas)
                    {
                        Fail(Where(j, code) + "alpha (weights) must have C = " + alphas + " entries, got " + (op.Weights == null ? "none" : op.Weights.Length.ToString()));
                    }

                    if (op.Bias != null || op.Multiplier != null || op.Shift != null)
                    {
                        Fail(Where(j, code) + "bias, multiplier and shift must be null (unused by PRelu)");
                    }

                    continue;
                }

                if (code == OpCodes.Lookup)
                {
                    // The table: 256 int8 entries, any value (-128 included); no bias, multiplier or shift.
                    if (op.Weights == null || op.Weights.Length != 256)
                    {
                        Fail(Where(j, code) + "table (weights) must have 256 entries, got " + (op.Weights == null ? "none" : op.Weights.Length.ToString()));
                    }

                    if (op.Bias != null || op.Multiplier != null || op.Shift != null)
                    {
                        Fail(Where(j, code) + "bias, multiplier and shift must be null (unused by Lookup)");
                    }

                    continue;
                }

                if (!HasWeights(op.OpCode))
                {
                    if (op.Weights != null || op.Bias != null || op.Multiplier != null || op.Shift != null)
                    {
                        Fail(Where(j, code) + "weights, bias, multiplier and shift must be null (unused by " + OpCodes.Name(op.OpCode) + ")");
                    }

                    continue;
                }

                long weightCount = WeightCount(model, op);
                int channels = ChannelCount(model, op);
                if (op.Weights == null)
                {
                    Fail(Where(j, code) + "weights are missing");
                }

                if (op.Weights.Length != weightCount)
                {
                    Fail(Where(j, code) + "weights have " + op.Weights.Length + " values, expected " + WeightCountFormula(model, op) + " = " + weightCount);
                }

                sbyte[] w = op.Weights;
                for (int i = 0; i < w.Length; i++)
                {
                    if (w[i] < -127)
                    {
                        Fail(Where(j, code) + "weights[" + i + "] = " + w[i] + " is outside -127..127");
                    }
                }

                if (op.Bias != null && op.Bias.Length != channels)
                {
                    Fail(Where(j, code) + "bias has " + op.Bias.Length + " values, expected Cout = " + channels);
                }

                if (op.Multiplier == null)
                {
                    Fail(Where(j, code) + "multiplier is missing");
                }

                if (op.Multiplier.Length != channels)
                {
                    Fail(Where(j, code) + "multiplier has " + op.Multiplier.Length + " values, expected Cout = " + channels);
                }

                for (int c = 0; c < channels; c++)
                {
                    int m = op.Multiplier[c];
                    if (m != 0 && m < FormatLayout.MinMultiplier)
                    {
                        CheckMultiplier(j, code, "multiplier[" + c + "]", m);
                    }
                }

                if (op.Shift == null)
                {
                    Fail(Where(j, code) + "shift is missing");
                }

                if (op.Shift.Length != channels)
                {
                    Fail(Where(j, code) + "shift has " + op.Shift.Length + " values, expected Cout = " + channels);
                }

                for (int c = 0; c < channels; c++)
                {
                    int sh = op.Shift[c];
                    if (sh < FormatLayout.MinShift || sh > FormatLayout.MaxShift)
                    {
                        CheckShift(j, code, "shift[" + c + "]", sh);
                    }
                }
            }
        }

        /// <summary>
        /// GlobalAveragePool: no weights or bias; multiplier and shift both null (output keeps the input's scale and
        /// zero point) or both one value (requantization): with p0 = 1 multiplier 0 or in [2^30, 2^31 − 1]; with p0 = 0
        /// 0..2^31 − 1 (not necessarily normalized: a .tflite MEAN folds 1/(H·W) into a normalized multiplier by an integer
        /// division, which can leave it below 2^30),
        /// shift −31..30, and H·W·255·2^max(shift, 0) ≤ 2^31 − 1 so the shifted accumulator fits int32.
        /// </summary>
        private static void ValidatePoolRequantization(Model model, int j, OperatorInfo op)
        {
            int code = op.OpCode;
            if (op.Weights != null || op.Bias != null)
            {
                Fail(Where(j, code) + "weights and bias must be null (unused by " + OpCodes.Name(code) + ")");
            }

            if (op.Params[0] != 0 && op.Params[0] != 1)
            {
                Fail(Where(j, code) + "p0 (divide by H·W in the kernel, TFLite's MEAN) = " + op.Params[0] + ", must be 0 or 1");
            }

            if (op.Multiplier == null)
            {
                if (op.Params[0] != 0)
                {
                    Fail(Where(j, code) + "p0 = 1 (TFLite's MEAN) needs multiplier and shift");
                }

                return;
            }

            if (op.Multiplier.Length != 1)
            {
                Fail(Where(j, code) + "multiplier has " + op.Multiplier.Length + " values, expected 1 (one per tensor)");
            }

            if (op.Shift.Length != 1)
            {
                Fail(Where(j, code) + "shift has " + op.Shift.Length + " values, expected 1 (one per tensor)");
            }

            if (op.Params[0] == 1)
            {
                CheckMultiplier(j, code, "multiplier[0]", op.Multiplier[0]);
            }
            else if (op.Multiplier[0] < 0)
            {
                Fail(Where(j, code) + "multiplier[0] = " + op.Multiplier[0] + ", must be in [0, 2^31 - 1] (p0 = 0: the divisor folded in)");
            }

            CheckShift(j, code, "shift[0]", op.Shift[0]);
            TensorInfo input = model.Tensors[op.Input0];
            long bound = (long)input.Dims[1] * input.Dims[2] * 255;
            int shift = op.Shift[0];
            if (shift > 0)
            {
                bound <<= shift;
            }

            if (bound > FormatLayout.MaxRequantizedPoolSum)
            {
                Fail(Where(j, code) + "pool bound: H·W·255·2^max(shift, 0) = " + input.Dims[1] + "·" + input.Dims[2] + "·255·2^" + (shift > 0 ? shift : 0)
                    + " must be < 2^31 (requantized sum)");
            }

            // p0 = 1: the requantized sum, up to the bound above, gets ± H·W / 2 before the division by H·W.
            if (op.Params[0] == 1 && bound + (long)input.Dims[1] * input.Dims[2] > FormatLayout.MaxRequantizedPoolSum)
            {
                Fail(Where(j, code) + "pool bound: H·W·(255·2^max(shift, 0) + 1) = " + input.Dims[1] + "·" + input.Dims[2] + "·(255·2^" + (shift > 0 ? shift : 0)
                    + " + 1) must be < 2^31 (requantized sum plus rounding, p0 = 1)");
            }
        }

        /// <summary>Number of i32 values in the op's multiplier and shift blobs when present: Cout, or 1 for GlobalAveragePool.</summary>
        internal static int RequantizationCount(Model model, OperatorInfo op)
        {
            return op.OpCode == OpCodes.GlobalAveragePool ? 1 : ChannelCount(model, op);
        }

        /// <summary>True for the op codes that carry weights, bias, multiplier and shift (Conv2D, FullyConnected).</summary>
        internal static bool HasWeights(int opCode)
        {
            return opCode == OpCodes.Conv2D || opCode == OpCodes.FullyConnected;
        }

        /// <summary>Element count of the op's weights (Conv2D: Cout·kh·kw·Cin/groups, FullyConnected: Cout·Cin, Lookup: 256, PRelu: C). Structure must be valid.</summary>
        internal static long WeightCount(Model model, OperatorInfo op)
        {
            if (op.OpCode == OpCodes.Lookup)
            {
                return 256;
            }

            TensorInfo input = model.Tensors[op.Input0];
            if (op.OpCode == OpCodes.PRelu)
            {
                return input.Dims[input.Rank - 1];
            }

            TensorInfo output = model.Tensors[op.Output];
            if (op.OpCode == OpCodes.Conv2D)
            {
                return (long)output.Dims[3] * op.KernelH * op.KernelW * (input.Dims[3] / op.Groups);
            }

            return (long)output.Dims[1] * input.ByteSize;
        }

        /// <summary>Output channels of a Conv2D or FullyConnected op (length of bias, multiplier and shift). Structure must be valid.</summary>
        internal static int ChannelCount(Model model, OperatorInfo op)
        {
            TensorInfo output = model.Tensors[op.Output];
            return op.OpCode == OpCodes.Conv2D ? output.Dims[3] : output.Dims[1];
        }

        private static string TensorWhere(int index)
        {
            return "tensor " + index + ": ";
        }

        internal static string Where(int index, int opCode)
        {
            return "operator " + index + " (" + OpCodes.Name(opCode) + "): ";
        }

        private static string WeightCountFormula(Model model, OperatorInfo op)
        {
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            if (op.OpCode == OpCodes.Conv2D)
            {
                return "Cout·kh·kw·Cin/groups = " + output.Dims[3] + "·" + op.KernelH + "·" + op.KernelW + "·" + input.Dims[3] + "/" + op.Groups;
            }

            return "Cout·Cin = " + output.Dims[1] + "·" + input.ByteSize;
        }

        private static void ValidateTensor(int i, TensorInfo t, int arenaSize)
        {
            if (t == null)
            {
                Fail(TensorWhere(i) + "is null");
            }

            int[] dims = t.Dims;
            if (dims == null || dims.Length != 4)
            {
                Fail(TensorWhere(i) + "dims must have 4 entries, got " + (dims == null ? "null" : dims.Length.ToString()));
            }

            if (t.Rank < 1 || t.Rank > 4)
            {
                Fail(TensorWhere(i) + "rank " + t.Rank + " is outside 1..4");
            }

            long count = 1;
            for (int k = 0; k < 4; k++)
            {
                if (k < t.Rank)
                {
                    if (dims[k] < 1)
                    {
                        Fail(TensorWhere(i) + "dims[" + k + "] = " + dims[k] + ", must be >= 1");
                    }
                }
                else if (dims[k] != 1)
                {
                    Fail(TensorWhere(i) + "dims[" + k + "] = " + dims[k] + ", must be 1 beyond rank " + t.Rank);
                }

                count *= dims[k];
                if (count > FormatLayout.MaxTensorBytes)
                {
                    Fail(TensorWhere(i) + "element count of dims " + DimsText(t) + " exceeds 2^30");
                }
            }

            if (dims[0] != 1)
            {
                Fail(TensorWhere(i) + "batch dims[0] = " + dims[0] + ", must be 1");
            }

            if (t.ByteSize != count)
            {
                Fail(TensorWhere(i) + "byte size " + t.ByteSize + " differs from the element count " + count + " of dims " + DimsText(t));
            }

            if (!(t.Scale > 0f) || t.Scale > float.MaxValue)
            {
                Fail(TensorWhere(i) + "scale " + t.Scale + " must be finite and > 0");
            }

            if (t.ZeroPoint < -128 || t.ZeroPoint > 127)
            {
                Fail(TensorWhere(i) + "zero point " + t.ZeroPoint + " is outside -128..127");
            }

            // -1: a tensor inside a fused block, never in the arena (FusedGroupRules checks that it is one).
            if (t.ArenaOffset != -1 && (t.ArenaOffset < 0 || (long)t.ArenaOffset + t.ByteSize > arenaSize))
            {
                Fail(TensorWhere(i) + "arena range [" + t.ArenaOffset + ", " + ((long)t.ArenaOffset + t.ByteSize) + ") is outside the arena [0, " + arenaSize + ")");
            }
        }

        private static void ValidateOperator(Model model, int j)
        {
            OperatorInfo op = model.Operators[j];
            if (op == null)
            {
                Fail("operator " + j + " is null");
            }

            int code = op.OpCode;
            if (!OpCodes.IsKnown(code))
            {
                Fail(Where(j, code) + "op code " + code + " is unknown (known: 1..8, 16..20)");
            }

            if (op.Params == null || op.Params.Length != OperatorInfo.ParamCount)
            {
                Fail(Where(j, code) + "params must have " + OperatorInfo.ParamCount + " entries, got " + (op.Params == null ? "null" : op.Params.Length.ToString()));
            }

            TensorInfo[] tensors = model.Tensors;
            CheckTensorIndex(j, code, "input 0", op.Input0, tensors.Length);
            if (code == OpCodes.Add || code == OpCodes.Mul || code == OpCodes.Concat)
            {
                CheckTensorIndex(j, code, "input 1", op.Input1, tensors.Length);
            }
            else if (op.Input1 != -1)
            {
                Fail(Where(j, code) + "input 1 = " + op.Input1 + ", must be -1 (one input)");
            }

            CheckTensorIndex(j, code, "output", op.Output, tensors.Length);
            if (op.Output == op.Input0 || op.Output == op.Input1)
            {
                Fail(Where(j, code) + "output tensor " + op.Output + " is also an input of the same operator");
            }

            if (op.ActMin < -128 || op.ActMin > 127)
            {
                Fail(Where(j, code) + "act min " + op.ActMin + " is outside -128..127");
            }

            if (op.ActMax < op.ActMin || op.ActMax > 127)
            {
                Fail(Where(j, code) + "act max " + op.ActMax + " is outside act min.." + "127 = " + op.ActMin + "..127");
            }

            bool usesAct = code == OpCodes.Conv2D || code == OpCodes.FullyConnected || code == OpCodes.Add || code == OpCodes.Mul;
            if (!usesAct && (op.ActMin != -128 || op.ActMax != 127))
            {
                Fail(Where(j, code) + "act min/max = " + op.ActMin + ".." + op.ActMax + ", must be -128..127 (unused)");
            }

            bool window = code == OpCodes.Conv2D || code == OpCodes.AveragePool || code == OpCodes.MaxPool;
            if (window)
            {
                CheckAtLeast(j, code, "kernel h", op.KernelH, 1);
                CheckAtLeast(j, code, "kernel w", op.KernelW, 1);
                CheckAtLeast(j, code, "stride h", op.StrideH, 1);
                CheckAtLeast(j, code, "stride w", op.StrideW, 1);
                CheckAtLeast(j, code, "pad top", op.PadTop, 0);
                CheckAtLeast(j, code, "pad left", op.PadLeft, 0);
                CheckAtLeast(j, code, "pad bottom", op.PadBottom, 0);
                CheckAtLeast(j, code, "pad right", op.PadRight, 0);
            }
            else
            {
                CheckUnused(j, code, "kernel h", op.KernelH, 1);
                CheckUnused(j, code, "kernel w", op.KernelW, 1);
                CheckUnused(j, code, "stride h", op.StrideH, 1);
                CheckUnused(j, code, "stride w", op.StrideW, 1);
                CheckUnused(j, code, "pad top", op.PadTop, 0);
                CheckUnused(j, code, "pad left", op.PadLeft, 0);
                CheckUnused(j, code, "pad bottom", op.PadBottom, 0);
                CheckUnused(j, code, "pad right", op.PadRight, 0);
            }

            if (code == OpCodes.Conv2D)
            {
                CheckAtLeast(j, code, "dilation h", op.DilationH, 1);
                CheckAtLeast(j, code, "dilation w", op.DilationW, 1);
                CheckAtLeast(j, code, "groups", op.Groups, 1);
            }
            else
            {
                CheckUnused(j, code, "dilation h", op.DilationH, 1);
                CheckUnused(j, code, "dilation w", op.DilationW, 1);
                CheckUnused(j, code, "groups", op.Groups, 1);
            }

            int usedParams = code == OpCodes.Add ? 7 : (code == OpCodes.AveragePool || code == OpCodes.GlobalAveragePool ? 1 : (code == OpCodes.FusedBlock ? 5 : (code == OpCodes.Mul || code == OpCodes.Softmax ? 2 : 0)));
            if (code == OpCodes.Concat)
            {
                usedParams = ConcatUsedParams(j, code, op, tensors.Length);
            }
            else if (code == OpCodes.PRelu)
            {
                usedParams = 5;
            }

            for (int k = usedParams; k < OperatorInfo.ParamCount; k++)
            {
                if (op.Params[k] != 0)
                {
                    Fail(Where(j, code) + "p" + k + " = " + op.Params[k] + ", must be 0 (unused)");
                }
            }

            TensorInfo input = tensors[op.Input0];
            TensorInfo output = tensors[op.Output];
            switch (code)
            {
                case OpCodes.Conv2D:
                    ValidateConv(j, code, op, input, output);
                    break;
                case OpCodes.FullyConnected:
                    CheckRank(j, code, "output", op.Output, output, 2);
                    if (input.ByteSize > FormatLayout.MaxAccumulatorTaps)
                    {
                        Fail(Where(j, code) + "accumulator bound: Cin = " + input.ByteSize + " terms per output; Cin·127·255 must be < 2^31 (at most " + FormatLayout.MaxAccumulatorTaps + ")");
                    }

                    break;
                case OpCodes.Add:
                    ValidateAdd(j, code, op, input, tensors[op.Input1], output);
                    break;
                case OpCodes.Lookup:
                    CheckSameDims(j, code, "output", op.Output, output, input);
                    break;
                case OpCodes.Mul:
                    ValidateMul(j, code, op, input, tensors[op.Input1], output);
                    break;
                case OpCodes.Softmax:
                    ValidateSoftmax(j, code, op, input, output);
                    break;
                case OpCodes.Concat:
                    ValidateConcat(j, code, op, tensors, output);
                    break;
                case OpCodes.PRelu:
                    ValidatePRelu(j, code, op, input, output);
                    break;
                case OpCodes.AveragePool:
                case OpCodes.MaxPool:
                    ValidatePool(j, code, op, input, output);
                    break;
                case OpCodes.GlobalAveragePool:
                    CheckRank(j, code, "input", op.Input0, input, 4);
                    CheckRank(j, code, "output", op.Output, output, 4);
                    if (output.Dims[1] != 1 || output.Dims[2] != 1 || output.Dims[3] != input.Dims[3])
                    {
                        Fail(Where(j, code) + "output dims " + DimsText(output) + ", expected [1, 1, 1, " + input.Dims[3] + "]");
                    }

                    if ((long)input.Dims[1] * input.Dims[2] > FormatLayout.MaxPoolTaps)
                    {
                        Fail(Where(j, code) + "pool bound: H·W = " + input.Dims[1] + "·" + input.Dims[2] + " taps; taps·128 must be < 2^31");
                    }

                    // Multiplier and shift present: the output has its own scale and zero point (requantization).
                    if ((op.Multiplier == null) != (op.Shift == null))
                    {
                        Fail(Where(j, code) + "multiplier and shift must be both present (requantization) or both null");
                    }

                    if (op.Multiplier == null)
                    {
                        CheckSameQuantization(j, code, op, input, output);
                    }

                    break;
                case OpCodes.Reshape:
                    if (output.ByteSize != input.ByteSize)
                    {
                        Fail(Where(j, code) + "output element count " + output.ByteSize + " differs from input element count " + input.ByteSize);
                    }

                    CheckSameQuantization(j, code, op, input, output);
                    break;
            }
        }

        /// <summary>
        /// Concat's p0 (input count 2..4) and its extra input indices p1, p2 (0 where unused); output not an input.
        /// Returns how many params are used (3 + 2 · count: p3 + 2i, p4 + 2i are input i's multiplier and shift).
        /// </summary>
        private static int ConcatUsedParams(int j, int code, OperatorInfo op, int tensorCount)
        {
            int n = op.Params[0];
            if (n < 2 || n > OperatorInputs.ConcatMaxInputs)
            {
                Fail(Where(j, code) + "p0 (input count) = " + n + ", must be 2.." + OperatorInputs.ConcatMaxInputs);
            }

            for (int k = 2; k < OperatorInputs.ConcatMaxInputs; k++)
            {
                if (k < n)
                {
                    CheckTensorIndex(j, code, "input " + k + " (p" + (k - 1) + ")", op.Params[k - 1], tensorCount);
                    if (op.Params[k - 1] == op.Output)
                    {
                        Fail(Where(j, code) + "output tensor " + op.Output + " is also an input of the same operator");
                    }
                }
                else if (op.Params[k - 1] != 0)
                {
                    Fail(Where(j, code) + "p" + (k - 1) + " = " + op.Params[k - 1] + ", must be 0 (unused: " + n + " inputs)");
                }
            }

            return 3 + 2 * n;
        }

        /// <summary>
        /// Concat: every input has the output's rank and every dim but the last; the last dims add up to the output's;
        /// per input a multiplier (0 or normalized) and a shift −31..23 (255 · 2^shift &lt; 2^31).
        /// </summary>
        private static void ValidateConcat(int j, int code, OperatorInfo op, TensorInfo[] tensors, TensorInfo output)
        {
            int n = op.Params[0];
            int last = output.Rank - 1;
            long channels = 0;
            for (int k = 0; k < n; k++)
            {
                int index = OperatorInputs.At(op, k);
                TensorInfo t = tensors[index];
                bool fits = t.Rank == output.Rank;
                for (int d = 0; d < last && fits; d++)
                {
                    fits = t.Dims[d] == output.Dims[d];
                }

                if (!fits)
                {
                    Fail(Where(j, code) + "input " + k + " tensor " + index + " dims " + DimsText(t) + " must match output dims " + DimsText(output)
                        + " in every axis but the last (concatenation along the channels)");
                }

                channels += t.Dims[last];
                CheckMultiplier(j, code, "p" + (3 + 2 * k) + " (input " + k + " multiplier)", op.Params[3 + 2 * k]);
                int shift = op.Params[4 + 2 * k];
                CheckShift(j, code, "p" + (4 + 2 * k) + " (input " + k + " shift)", shift);
                if (shift > 23)
                {
                    Fail(Where(j, code) + "requantization bound: 255·2^shift must be < 2^31, so shift ≤ 23, got p" + (4 + 2 * k) + " = " + shift);
                }
            }

            if (channels != output.Dims[last])
            {
                Fail(Where(j, code) + "inputs have " + channels + " channels in all, output dims " + DimsText(output) + " have " + output.Dims[last]);
            }
        }

        /// <summary>PRelu: output has the input's dims; p0/p1 and p2/p3 the two multipliers and shifts with their bounds, p4 the alpha zero point.</summary>
        private static void ValidatePRelu(int j, int code, OperatorInfo op, TensorInfo input, TensorInfo output)
        {
            CheckSameDims(j, code, "output", op.Output, output, input);
            CheckMultiplier(j, code, "p0 (multiplier for x ≥ 0)", op.Params[0]);
            CheckShift(j, code, "p1 (shift for x ≥ 0)", op.Params[1]);
            CheckMultiplier(j, code, "p2 (multiplier for x < 0)", op.Params[2]);
            CheckShift(j, code, "p3 (shift for x < 0)", op.Params[3]);
            if (op.Params[1] > 23)
            {
                Fail(Where(j, code) + "bound: 255·2^shift must be < 2^31, so p1 (shift for x ≥ 0) ≤ 23, got " + op.Params[1]);
            }

            if (op.Params[3] > 15)
            {
                Fail(Where(j, code) + "product bound: 255·255·2^shift must be < 2^31, so p3 (shift for x < 0) ≤ 15, got " + op.Params[3]);
            }

            if (op.Params[4] < -128 || op.Params[4] > 127)
            {
                Fail(Where(j, code) + "p4 (alpha zero point) = " + op.Params[4] + " is outside -128..127");
            }
        }

        /// <summary>Mul: in1 has in0's dims or is [1, 1, 1, C] (rank 4) with in0's C; out has in0's dims; p0/p1 multiplier and shift with the product bound.</summary>
        private static void ValidateMul(int j, int code, OperatorInfo op, TensorInfo input0, TensorInfo input1, TensorInfo output)
        {
            CheckSameDims(j, code, "output", op.Output, output, input0);
            bool same = input1.Rank == input0.Rank && input1.Dims[1] == input0.Dims[1] && input1.Dims[2] == input0.Dims[2] && input1.Dims[3] == input0.Dims[3];
            bool perChannel = input0.Rank == 4 && input1.Rank == 4 && input1.Dims[1] == 1 && input1.Dims[2] == 1 && input1.Dims[3] == input0.Dims[3];
            if (!same && !perChannel)
            {
                Fail(Where(j, code) + "input 1 dims " + DimsText(input1) + " must equal input 0 dims " + DimsText(input0) + " or be [1, 1, 1, " + input0.Dims[3] + "] (one value per channel)");
            }

            CheckMultiplier(j, code, "p0 (multiplier)", op.Params[0]);
            CheckShift(j, code, "p1 (shift)", op.Params[1]);
            if (op.Params[1] > 15)
            {
                Fail(Where(j, code) + "product bound: 255·255·2^shift must be < 2^31, so shift ≤ 15, got " + op.Params[1]);
            }
        }

        /// <summary>
        /// Softmax: out has in's dims, scale 1/256 and zero point -128 (TFLite's int8 softmax output); p0 input multiplier in
        /// [2^30, 2^31 - 1], p1 left shift 0..31; sum bound: the last dimension (classes) at most 4095.
        /// </summary>
        private static void ValidateSoftmax(int j, int code, OperatorInfo op, TensorInfo input, TensorInfo output)
        {
            CheckSameDims(j, code, "output", op.Output, output, input);
            if (output.Scale != 1f / 256 || output.ZeroPoint != -128)
            {
                Fail(Where(j, code) + "output tensor " + op.Output + " scale/zero point " + output.Scale + "/" + output.ZeroPoint + ", must be 0.00390625 (1/256)/-128");
            }

            if (op.Params[0] < FormatLayout.MinMultiplier)
            {
                Fail(Where(j, code) + "p0 (input multiplier) = " + op.Params[0] + ", must be in [2^30, 2^31 - 1]");
            }

            if (op.Params[1] < 0 || op.Params[1] > 31)
            {
                Fail(Where(j, code) + "p1 (input left shift) = " + op.Params[1] + " is outside 0..31");
            }

            int depth = input.Dims[input.Rank - 1];
            if (depth > 4095)
            {
                Fail(Where(j, code) + "sum bound: " + depth + " classes in the last dimension; classes·2^19 must be < 2^31 (at most 4095)");
            }
        }

        private static void CheckSameDims(int j, int code, string what, int index, TensorInfo t, TensorInfo reference)
        {
            if (t.Rank != reference.Rank || t.Dims[1] != reference.Dims[1] || t.Dims[2] != reference.Dims[2] || t.Dims[3] != reference.Dims[3])
            {
                Fail(Where(j, code) + what + " tensor " + index + " dims " + DimsText(t) + " differ from input 0 dims " + DimsText(reference));
            }
        }

        private static void ValidateConv(int j, int code, OperatorInfo op, TensorInfo input, TensorInfo output)
        {
            CheckRank(j, code, "input", op.Input0, input, 4);
            CheckRank(j, code, "output", op.Output, output, 4);
            int cin = input.Dims[3];
            int cout = output.Dims[3];
            if (cin % op.Groups != 0)
            {
                Fail(Where(j, code) + "groups = " + op.Groups + " must divide input channels Cin = " + cin);
            }

            if (cout % op.Groups != 0)
            {
                Fail(Where(j, code) + "groups = " + op.Groups + " must divide output channels Cout = " + cout);
            }

            long taps = (long)op.KernelH * op.KernelW;
            if (taps <= FormatLayout.MaxAccumulatorTaps)
            {
                taps *= cin / op.Groups;
            }

            if (taps > FormatLayout.MaxAccumulatorTaps)
            {
                Fail(Where(j, code) + "accumulator bound: kh·kw·Cin/groups = " + op.KernelH + "·" + op.KernelW + "·" + cin + "/" + op.Groups
                    + " terms per output; terms·127·255 must be < 2^31 (at most " + FormatLayout.MaxAccumulatorTaps + ")");
            }

            CheckWindow(j, code, "h", input.Dims[1], op.KernelH, op.StrideH, op.DilationH, op.PadTop, op.PadBottom, "pad top", "pad bottom", output.Dims[1]);
            CheckWindow(j, code, "w", input.Dims[2], op.KernelW, op.StrideW, op.DilationW, op.PadLeft, op.PadRight, "pad left", "pad right", output.Dims[2]);
        }

        private static void ValidatePool(int j, int code, OperatorInfo op, TensorInfo input, TensorInfo output)
        {
            CheckRank(j, code, "input", op.Input0, input, 4);
            CheckRank(j, code, "output", op.Output, output, 4);
            if (output.Dims[3] != input.Dims[3])
            {
                Fail(Where(j, code) + "output channels " + output.Dims[3] + " differ from input channels " + input.Dims[3]);
            }

            CheckWindow(j, code, "h", input.Dims[1], op.KernelH, op.StrideH, 1, op.PadTop, op.PadBottom, "pad top", "pad bottom", output.Dims[1]);
            CheckWindow(j, code, "w", input.Dims[2], op.KernelW, op.StrideW, 1, op.PadLeft, op.PadRight, "pad left", "pad right", output.Dims[2]);
            if (op.OpCode == OpCodes.AveragePool)
            {
                if (op.Params[0] != 0 && op.Params[0] != 1)
                {
                    Fail(Where(j, code) + "p0 (count padded taps) = " + op.Params[0] + ", must be 0 or 1");
                }

                if ((long)op.KernelH * op.KernelW > FormatLayout.MaxPoolTaps)
                {
                    Fail(Where(j, code) + "pool bound: kh·kw = " + op.KernelH + "·" + op.KernelW + " taps; taps·128 must be < 2^31");
                }
            }

            CheckSameQuantization(j, code, op, input, output);
        }

        private static void ValidateAdd(int j, int code, OperatorInfo op, TensorInfo input0, TensorInfo input1, TensorInfo output)
        {
            if (!SameDims(input0, input1))
            {
                Fail(Where(j, code) + "input 1 tensor " + op.Input1 + " dims " + DimsText(input1) + " differ from input 0 tensor " + op.Input0 + " dims " + DimsText(input0));
            }

            if (!SameDims(input0, output))
            {
                Fail(Where(j, code) + "output tensor " + op.Output + " dims " + DimsText(output) + " differ from input 0 tensor " + op.Input0 + " dims " + DimsText(input0));
            }

            int[] p = op.Params;
            if (p[0] < 0 || p[0] > FormatLayout.MaxAddLeftShift)
            {
                Fail(Where(j, code) + "p0 (left shift) = " + p[0] + " is outside 0.." + FormatLayout.MaxAddLeftShift);
            }

            CheckMultiplier(j, code, "p1 (input 0 multiplier)", p[1]);
            CheckShift(j, code, "p2 (input 0 shift)", p[2]);
            CheckMultiplier(j, code, "p3 (input 1 multiplier)", p[3]);
            CheckShift(j, code, "p4 (input 1 shift)", p[4]);
            CheckMultiplier(j, code, "p5 (output multiplier)", p[5]);
            CheckShift(j, code, "p6 (output shift)", p[6]);
        }

        private static void ValidateDataflow(Model model)
        {
            TensorInfo[] tensors = model.Tensors;
            OperatorInfo[] ops = model.Operators;
            int[] producer = new int[tensors.Length];
            for (int i = 0; i < producer.Length; i++)
            {
                producer[i] = -1;
            }

            for (int j = 0; j < ops.Length; j++)
            {
                OperatorInfo op = ops[j];
                int code = op.OpCode;
                int inputs = OperatorInputs.Count(op);
                for (int k = 0; k < inputs; k++)
                {
                    CheckProduced(j, code, "input " + k, OperatorInputs.At(op, k), model, producer);
                }

                if (op.Output == model.InputTensor)
                {
                    Fail(Where(j, code) + "output tensor " + op.Output + " is the model input");
                }

                if (producer[op.Output] >= 0)
                {
                    Fail(Where(j, code) + "output tensor " + op.Output + " is already produced by operator " + producer[op.Output]);
                }

                for (int k = 0; k < inputs; k++)
                {
                    CheckNoOverlap(j, code, "input " + k, OperatorInputs.At(op, k), op.Output, tensors);
                }

                producer[op.Output] = j;
                if (FusedGroupRules.IsGroup(op))
                {
                    // The block reads its input and writes its output and work area; its members are FusedGroupRules'.
                    CheckWorkApart(j, op, op.Input0, "input 0", tensors);
                    CheckWorkApart(j, op, op.Output, "output", tensors);
                    j += op.Params[FusedGroupRules.ParamMembers];
                }
            }

            if (producer[model.OutputTensor] < 0)
            {
                Fail("model: output tensor " + model.OutputTensor + " is not produced by any operator");
            }

            // A tensor's bytes must survive from the op that produces it (or from SetInput) to every op that reads it.
            for (int j = 0; j < ops.Length; j++)
            {
                OperatorInfo op = ops[j];
                int inputs = OperatorInputs.Count(op);
                for (int k = 0; k < inputs; k++)
                {
                    CheckLive(model, producer, OperatorInputs.At(op, k), j);
                }

                if (FusedGroupRules.IsGroup(op))
                {
                    j += op.Params[FusedGroupRules.ParamMembers];
                }
            }

            CheckLive(model, producer, model.OutputTensor, ops.Length);
        }

        /// <summary>Tensor t, read by operator reader (ops.Length: read as the model output), is not overwritten after it is produced.</summary>
        private static void CheckLive(Model model, int[] producer, int t, int reader)
        {
            TensorInfo[] tensors = model.Tensors;
            OperatorInfo[] ops = model.Operators;
            for (int k = producer[t] + 1; k < reader; k++)
            {
                int written = ops[k].Output;
                if (FusedGroupRules.IsGroup(ops[k]) && FusedGroupRules.WorkOverlaps(ops[k], tensors[t]))
                {
                    Fail(Where(k, ops[k].OpCode) + "work area [" + ops[k].Params[FusedGroupRules.ParamWorkOffset] + ", " + FusedGroupRules.WorkEnd(ops[k])
                        + ") overwrites tensor " + t + " " + RangeText(tensors[t]) + " before it is read");
                }

                // Internal tensors of fused blocks (offset -1) are never written to the arena; written == t only for the
                // member of a fused block that computes the block's output (the block record at producer[t] wrote it).
                if (written != t && tensors[written].ArenaOffset >= 0 && Overlaps(tensors[written], tensors[t]))
                {
                    string readBy = reader < ops.Length ? "read by operator " + reader : "the model output";
                    Fail(Where(k, ops[k].OpCode) + "output tensor " + written + " " + RangeText(tensors[written]) + " overwrites tensor " + t + " "
                        + RangeText(tensors[t]) + " before it is " + (reader < ops.Length ? readBy : "read as " + readBy));
                }
            }
        }

        private static void CheckProduced(int j, int code, string field, int t, Model model, int[] producer)
        {
            if (t != model.InputTensor && producer[t] < 0)
            {
                Fail(Where(j, code) + field + " tensor " + t + " is neither the model input nor the output of an earlier operator");
            }
        }

        private static void CheckNoOverlap(int j, int code, string field, int input, int output, TensorInfo[] tensors)
        {
            if (Overlaps(tensors[input], tensors[output]))
            {
                Fail(Where(j, code) + "output tensor " + output + " " + RangeText(tensors[output]) + " overlaps " + field + " tensor " + input + " "
                    + RangeText(tensors[input]) + " in the arena (kernels are not in-place)");
            }
        }

        private static void CheckWorkApart(int j, OperatorInfo op, int t, string field, TensorInfo[] tensors)
        {
            if (FusedGroupRules.WorkOverlaps(op, tensors[t]))
            {
                Fail(Where(j, op.OpCode) + "work area [" + op.Params[FusedGroupRules.ParamWorkOffset] + ", " + FusedGroupRules.WorkEnd(op) + ") overlaps "
                    + field + " tensor " + t + " " + RangeText(tensors[t]));
            }
        }

        private static bool Overlaps(TensorInfo a, TensorInfo b)
        {
            return a.ArenaOffset < (long)b.ArenaOffset + b.ByteSize && b.ArenaOffset < (long)a.ArenaOffset + a.ByteSize;
        }

        private static void CheckWindow(int j, int code, string axis, int inSize, int kernel, int stride, int dilation, int padBefore, int padAfter,
            string padBeforeName, string padAfterName, int outSize)
        {
            long extent = (long)dilation * (kernel - 1) + 1;
            if (padBefore >= extent)
            {
                Fail(Where(j, code) + padBeforeName + " = " + padBefore + " must be less than the kernel extent " + extent + " on " + axis);
            }

            if (padAfter >= extent)
            {
                Fail(Where(j, code) + padAfterName + " = " + padAfter + " must be less than the kernel extent " + extent + " on " + axis);
            }

            long span = (long)inSize + padBefore + padAfter - extent;
            if (span < 0)
            {
                Fail(Where(j, code) + "kernel extent " + extent + " on " + axis + " exceeds the padded input " + axis + " " + inSize + " + " + padBefore + " + " + padAfter);
            }

            long expected = span / stride + 1;
            if (expected != outSize)
            {
                Fail(Where(j, code) + "output " + axis + " = " + outSize + ", expected (" + inSize + " + " + padBefore + " + " + padAfter + " - " + extent + ") / "
                    + stride + " + 1 = " + expected);
            }
        }

        private static void CheckSameQuantization(int j, int code, OperatorInfo op, TensorInfo input, TensorInfo output)
        {
            if (output.Scale != input.Scale || output.ZeroPoint != input.ZeroPoint)
            {
                Fail(Where(j, code) + "output tensor " + op.Output + " scale/zero point " + output.Scale + "/" + output.ZeroPoint
                    + " differ from input tensor " + op.Input0 + " " + input.Scale + "/" + input.ZeroPoint);
            }
        }

        private static void CheckRank(int j, int code, string field, int index, TensorInfo t, int rank)
        {
            if (t.Rank != rank)
            {
                Fail(Where(j, code) + field + " tensor " + index + " has rank " + t.Rank + " " + DimsText(t) + ", expected rank " + rank);
            }
        }

        private static void CheckModelTensorIndex(string field, int index, int count)
        {
            if (index < 0 || index >= count)
            {
                Fail("model: " + field + " index " + index + " is outside the tensor table 0.." + (count - 1));
            }
        }

        private static void CheckTensorIndex(int j, int code, string field, int index, int count)
        {
            if (index < 0 || index >= count)
            {
                Fail(Where(j, code) + field + " index " + index + " is outside the tensor table 0.." + (count - 1));
            }
        }

        private static void CheckAtLeast(int j, int code, string field, int value, int min)
        {
            if (value < min)
            {
                Fail(Where(j, code) + field + " = " + value + ", must be >= " + min);
            }
        }

        private static void CheckUnused(int j, int code, string field, int value, int expected)
        {
            if (value != expected)
            {
                Fail(Where(j, code) + field + " = " + value + ", must be " + expected + " (unused)");
            }
        }

        private static void CheckMultiplier(int j, int code, string field, int value)
        {
            if (value != 0 && value < FormatLayout.MinMultiplier)
            {
                Fail(Where(j, code) + field + " = " + value + ", must be 0 or in [2^30, 2^31 - 1]");
            }
        }

        private static void CheckShift(int j, int code, string field, int value)
        {
            if (value < FormatLayout.MinShift || value > FormatLayout.MaxShift)
            {
                Fail(Where(j, code) + field + " = " + value + " is outside " + FormatLayout.MinShift + ".." + FormatLayout.MaxShift);
            }
        }

        private static bool SameDims(TensorInfo a, TensorInfo b)
        {
            return a.Rank == b.Rank && a.Dims[0] == b.Dims[0] && a.Dims[1] == b.Dims[1] && a.Dims[2] == b.Dims[2] && a.Dims[3] == b.Dims[3];
        }

        private static string DimsText(TensorInfo t)
        {
            string s = "[";
            for (int k = 0; k < t.Rank && k < t.Dims.Length; k++)
            {
                s += (k > 0 ? ", " : "") + t.Dims[k];
            }

            return s + "]";
        }

        private static string RangeText(TensorInfo t)
        {
            return "[arena " + t.ArenaOffset + ", " + ((long)t.ArenaOffset + t.ByteSize) + ")";
        }

        private static void Fail(string message)
        {
            throw new ModelFormatException(message);
        }
    }
}
