using TinyDsc.Runtime.Kernels;

namespace TinyDsc.Runtime.Format
{
    /// <summary>
    /// The rules of FORMAT.md "Fused blocks" (op code 8): a group record, the 2..4 member records after it, the
    /// internal tensors between them (arena offset -1, read by no one else) and the group's work area. The member
    /// records are ordinary Conv2D / Add records, validated by ModelValidator like any other; here only what makes them
    /// a block. ModelValidator then treats the group as one operator (reads the block input, writes the block output
    /// and its work area) and skips its members in the data-flow and arena rules.
    /// </summary>
    internal static class FusedGroupRules
    {
        /// <summary>
        /// Group record params: p0 member count, p1 work-area arena offset, p2 work-area bytes, p3 output rows per step
        /// (0 = 1), p4 shape (0: the v1.1 shapes; 1: producer → depthwise, minor 2).
        /// </summary>
        internal const int ParamMembers = 0;
        internal const int ParamWorkOffset = 1;
        internal const int ParamWorkBytes = 2;
        internal const int ParamRows = 3;
        internal const int ParamShape = 4;

        /// <summary>Checks every group record and that arena offset -1 is used exactly by the groups' internal tensors.</summary>
        internal static void Validate(Model model)
        {
            OperatorInfo[] ops = model.Operators;
            TensorInfo[] tensors = model.Tensors;
            bool[] internalTensor = new bool[tensors.Length];
            int groupEnd = -1;
            for (int j = 0; j < ops.Length; j++)
            {
                if (ops[j].OpCode != OpCodes.FusedBlock)
                {
                    continue;
                }

                if (j <= groupEnd)
                {
                    Fail(j, "is a member of the fused block at operator " + (j - 1) + "; blocks do not nest");
                }

                int n = ops[j].Params[ParamMembers];
                if (n < 2 || n > 4)
                {
                    Fail(j, "p0 (member count) = " + n + " is outside 2..4");
                }

                if (j + n >= ops.Length)
                {
                    Fail(j, "members " + (j + 1) + ".." + (j + n) + " extend past the last operator " + (ops.Length - 1));
                }

                ValidateGroup(model, j, n, internalTensor);
                groupEnd = j + n;
            }

            for (int t = 0; t < tensors.Length; t++)
            {
                if (tensors[t].ArenaOffset == -1 && !internalTensor[t])
                {
                    Fail(-1, "tensor " + t + ": arena offset -1 is allowed only for a tensor inside a fused block (produced and read by its members)");
                }
            }
        }

        /// <summary>True when op k is a fused block record.</summary>
        internal static bool IsGroup(OperatorInfo op)
        {
            return op.OpCode == OpCodes.FusedBlock;
        }

        /// <summary>True when group record op's work area overlaps tensor t's arena bytes.</summary>
        internal static bool WorkOverlaps(OperatorInfo op, TensorInfo t)
        {
            long start = op.Params[ParamWorkOffset];
            long end = start + op.Params[ParamWorkBytes];
            return t.ArenaOffset >= 0 && t.ArenaOffset < end && start < (long)t.ArenaOffset + t.ByteSize;
        }

        /// <summary>End of group record op's work area in the arena.</summary>
        internal static long WorkEnd(OperatorInfo op)
        {
            return (long)op.Params[ParamWorkOffset] + op.Params[ParamWorkBytes];
        }

        /// <summary>
        /// Work-area bytes of a block computing R output rows per step: ((R − 1)·sh + kh)·(W + pl + pr)·Cexp (the
        /// band) + R·Wo·Cexp (depthwise rows) + R·Wo·Cout with the Add (projected rows); Kernels.FusedBlock.WorkBytes,
        /// in 64-bit arithmetic.
        /// </summary>
        internal static long WorkBytes(OperatorInfo depthwise, TensorInfo dwInput, TensorInfo dwOutput, int projectChannels, bool hasAdd, int rows)
        {
            long band = BandBytes(depthwise, dwInput, rows);
            return band + (long)rows * dwOutput.Dims[2] * (dwInput.Dims[3] + (hasAdd ? projectChannels : (long)0));
        }

        private static void ValidateGroup(Model model, int j, int n, bool[] internalTensor)
        {
            OperatorInfo[] ops = model.Operators;
            TensorInfo[] tensors = model.Tensors;
            OperatorInfo group = ops[j];
            int shape = group.Params[ParamShape];
            if (shape == FusedBlocks.ShapeProducerDepthwise)
            {
                ValidateProducerGroup(model, j, n, internalTensor);
                return;
            }

            if (shape != 0)
            {
                Fail(j, "p4 (shape) = " + shape + ", must be 0 (1×1 → depthwise → 1×1, depthwise → 1×1) or 1 (1×1 or stem → depthwise)");
            }
            bool hasAdd = ops[j + n].OpCode == OpCodes.Add;
            int convs = hasAdd ? n - 1 : n;
            if (convs < 2 || convs > 3)
            {
                Fail(j, "members " + (j + 1) + ".." + (j + n) + " must be 2 or 3 Conv2D (depthwise → 1×1, or 1×1 → depthwise → 1×1), optionally followed by an Add; got " + n + " members with " + convs + " before the Add");
            }

            for (int m = 1; m <= convs; m++)
            {
                if (ops[j + m].OpCode != OpCodes.Conv2D)
                {
                    Fail(j, "member operator " + (j + m) + " is " + OpCodes.Name(ops[j + m].OpCode) + ", expected Conv2D");
                }
            }

            int at = j + 1;
            OperatorInfo expand = convs == 3 ? ops[at++] : null;
            OperatorInfo depthwise = ops[at++];
            OperatorInfo project = ops[at++];
            OperatorInfo add = hasAdd ? ops[at] : null;
            int blockInput = group.Input0;
            int first = j + 1;
            if (ops[first].Input0 != blockInput)
            {
                Fail(j, "input 0 = tensor " + blockInput + ", but the first member (operator " + first + ") reads tensor " + ops[first].Input0);
            }

            if (expand != null)
            {
                CheckPointwise(j, j + 1, "expand", expand);
                CheckLink(j, j + 1, expand, depthwise, j + 2, internalTensor, model);
            }

            int dwIndex = expand != null ? j + 2 : j + 1;
            TensorInfo dwInput = tensors[depthwise.Input0];
            TensorInfo dwOutput = tensors[depthwise.Output];
            if (depthwise.Groups != dwInput.Dims[3] || dwOutput.Dims[3] != dwInput.Dims[3] || depthwise.DilationH != 1 || depthwise.DilationW != 1)
            {
                Fail(j, "member operator " + dwIndex + " must be a depthwise convolution with multiplier 1 and dilation 1 (groups = Cin = Cout), got groups "
                    + depthwise.Groups + ", Cin " + dwInput.Dims[3] + ", Cout " + dwOutput.Dims[3] + ", dilation " + depthwise.DilationH + "×" + depthwise.DilationW);
            }

            CheckPointwise(j, dwIndex + 1, "project", project);
            if (hasAdd)
            {
                CheckLink(j, dwIndex, depthwise, project, dwIndex + 1, internalTensor, model);
                if (!((add.Input0 == project.Output && add.Input1 == blockInput) || (add.Input1 == project.Output && add.Input0 == blockInput)))
                {
                    Fail(j, "the Add (operator " + (j + n) + ") must read the projection's output tensor " + project.Output + " and the block input tensor "
                        + blockInput + ", got tensors " + add.Input0 + " and " + add.Input1);
                }

                MarkInternal(j, project.Output, dwIndex + 1, j + n, internalTensor, model, j + n);
            }
            else
            {
                CheckLink(j, dwIndex, depthwise, project, dwIndex + 1, internalTensor, model);
            }

            OperatorInfo last = ops[j + n];
            if (last.Output != group.Output)
            {
                Fail(j, "output = tensor " + group.Output + ", but the last member (operator " + (j + n) + ") writes tensor " + last.Output);
            }

            if (tensors[blockInput].ArenaOffset < 0 || tensors[group.Output].ArenaOffset < 0)
            {
                Fail(j, "the block input " + blockInput + " and output " + group.Output + " must lie in the arena (offset -1 is for internal tensors)");
            }

            int rows = group.Params[ParamRows];
            if (rows < 0 || rows > dwOutput.Dims[1])
            {
                Fail(j, "p3 (output rows per step) = " + rows + " is outside 0..Ho = 0.." + dwOutput.Dims[1]);
            }

            long need = WorkBytes(depthwise, dwInput, dwOutput, tensors[project.Output].Dims[3], hasAdd, rows > 1 ? rows : 1);
            int workOffset = group.Params[ParamWorkOffset];
            int workBytes = group.Params[ParamWorkBytes];
            if (workBytes != need)
            {
                Fail(j, "p2 (work bytes) = " + workBytes + ", expected ((R − 1)·sh + kh)·(W + pl + pr)·Cexp + R·Wo·Cexp" + (hasAdd ? " + R·Wo·Cout" : "") + " = " + need + " (R = p3 rows per step)");
            }

            if (workOffset < 0 || (long)workOffset + workBytes > model.ArenaSize)
            {
                Fail(j, "work area [" + workOffset + ", " + ((long)workOffset + workBytes) + ") is outside the arena [0, " + model.ArenaSize + ")");
            }

            CheckUnused(j, group);
        }

        private static void CheckUnused(int j, OperatorInfo group)
        {
            for (int k = ParamShape + 1; k < OperatorInfo.ParamCount; k++)
            {
                if (group.Params[k] != 0)
                {
                    Fail(j, "p" + k + " = " + group.Params[k] + ", must be 0 (unused)");
                }
            }
        }

        /// <summary>
        /// p4 = 1: two members, a producer (a 1×1 convolution, or a stem a windowed kernel computes) then a depthwise
        /// convolution (groups = Cin, Cout a multiple of Cin, dilation 1) whose output is the group's; work = the band.
        /// </summary>
        private static void ValidateProducerGroup(Model model, int j, int n, bool[] internalTensor)
        {
            OperatorInfo[] ops = model.Operators;
            TensorInfo[] tensors = model.Tensors;
            OperatorInfo group = ops[j];
            if (n != 2 || ops[j + 1].OpCode != OpCodes.Conv2D || ops[j + 2].OpCode != OpCodes.Conv2D)
            {
                Fail(j, "p4 = 1 (producer → depthwise) needs 2 Conv2D members, got " + n + " members");
            }

            OperatorInfo producer = ops[j + 1];
            OperatorInfo depthwise = ops[j + 2];
            if (producer.Input0 != group.Input0)
            {
                Fail(j, "input 0 = tensor " + group.Input0 + ", but the first member (operator " + (j + 1) + ") reads tensor " + producer.Input0);
            }

            if (!IsPointwise(producer))
            {
                ConvParams p = Interpreter.ConvParamsOf(model, producer);
                if (FusedBlock.StemKernelOf(ref p) == FusedBlock.StemNone)
                {
                    Fail(j, "member operator " + (j + 1) + " (producer) must be a 1×1 convolution or a stem that DepthwiseConv3x3, DepthwiseConv3x3Multiplier, Conv2DDense or DepthwiseConv computes (groups 1 or groups = Cin)");
                }
            }

            CheckLink(j, j + 1, producer, depthwise, j + 2, internalTensor, model);
            TensorInfo dwInput = tensors[depthwise.Input0];
            TensorInfo dwOutput = tensors[depthwise.Output];
            if (depthwise.Groups != dwInput.Dims[3] || dwOutput.Dims[3] % dwInput.Dims[3] != 0 || depthwise.DilationH != 1 || depthwise.DilationW != 1)
            {
                Fail(j, "member operator " + (j + 2) + " must be a depthwise convolution with dilation 1 (groups = Cin, Cout a multiple of Cin), got groups "
                    + depthwise.Groups + ", Cin " + dwInput.Dims[3] + ", Cout " + dwOutput.Dims[3] + ", dilation " + depthwise.DilationH + "×" + depthwise.DilationW);
            }

            if (depthwise.Output != group.Output)
            {
                Fail(j, "output = tensor " + group.Output + ", but the last member (operator " + (j + 2) + ") writes tensor " + depthwise.Output);
            }

            if (tensors[group.Input0].ArenaOffset < 0 || tensors[group.Output].ArenaOffset < 0)
            {
                Fail(j, "the block input " + group.Input0 + " and output " + group.Output + " must lie in the arena (offset -1 is for internal tensors)");
            }

            int rows = group.Params[ParamRows];
            if (rows < 0 || rows > dwOutput.Dims[1])
            {
                Fail(j, "p3 (output rows per step) = " + rows + " is outside 0..Ho = 0.." + dwOutput.Dims[1]);
            }

            long need = BandBytes(depthwise, dwInput, rows > 1 ? rows : 1);
            if (group.Params[ParamWorkBytes] != need)
            {
                Fail(j, "p2 (work bytes) = " + group.Params[ParamWorkBytes] + ", expected ((R − 1)·sh + kh)·(W + pl + pr)·Cexp = " + need + " (R = p3 rows per step, p4 = 1: no depthwise rows)");
            }

            if (group.Params[ParamWorkOffset] < 0 || WorkEnd(group) > model.ArenaSize)
            {
                Fail(j, "work area [" + group.Params[ParamWorkOffset] + ", " + WorkEnd(group) + ") is outside the arena [0, " + model.ArenaSize + ")");
            }

            CheckUnused(j, group);
        }

        /// <summary>The band of a block computing R output rows per step: ((R − 1)·sh + kh)·(W + pl + pr)·Cexp, 64-bit.</summary>
        private static long BandBytes(OperatorInfo depthwise, TensorInfo dwInput, int rows)
        {
            long bandRows = (rows - 1L) * depthwise.StrideH + depthwise.KernelH;
            return bandRows * (dwInput.Dims[2] + (long)depthwise.PadLeft + depthwise.PadRight) * dwInput.Dims[3];
        }

        /// <summary>True for a 1×1 convolution with stride 1, no padding, groups 1 and dilation 1.</summary>
        internal static bool IsPointwise(OperatorInfo op)
        {
            return op.KernelH == 1 && op.KernelW == 1 && op.StrideH == 1 && op.StrideW == 1 && op.Groups == 1
                && op.PadTop == 0 && op.PadLeft == 0 && op.PadBottom == 0 && op.PadRight == 0 && op.DilationH == 1 && op.DilationW == 1;
        }

        private static void CheckPointwise(int j, int index, string role, OperatorInfo op)
        {
            if (!IsPointwise(op))
            {
                Fail(j, "member operator " + index + " (" + role + ") must be a 1×1 convolution with stride 1, no padding and groups 1");
            }
        }

        /// <summary>producer's output must be consumer's input 0, an internal tensor.</summary>
        private static void CheckLink(int j, int producerIndex, OperatorInfo producer, OperatorInfo consumer, int consumerIndex, bool[] internalTensor, Model model)
        {
            if (consumer.Input0 != producer.Output)
            {
                Fail(j, "member operator " + consumerIndex + " reads tensor " + consumer.Input0 + ", expected the output tensor " + producer.Output
                    + " of member operator " + producerIndex);
            }

            MarkInternal(j, producer.Output, producerIndex, consumerIndex, internalTensor, model, consumerIndex);
        }

        /// <summary>Tensor t, written by member producerIndex and read only by member readerIndex: offset -1, no other reader.</summary>
        private static void MarkInternal(int j, int t, int producerIndex, int consumerIndex, bool[] internalTensor, Model model, int readerIndex)
        {
            TensorInfo tensor = model.Tensors[t];
            if (tensor.ArenaOffset != -1)
            {
                Fail(j, "internal tensor " + t + " (between member operators " + producerIndex + " and " + consumerIndex + ") must have arena offset -1, got "
                    + tensor.ArenaOffset);
            }

            if (t == model.InputTensor || t == model.OutputTensor)
            {
                Fail(j, "internal tensor " + t + " is the model " + (t == model.InputTensor ? "input" : "output"));
            }

            OperatorInfo[] ops = model.Operators;
            for (int k = 0; k < ops.Length; k++)
            {
                if (k != readerIndex && Reads(ops[k], t))
                {
                    Fail(j, "internal tensor " + t + " is also read by operator " + k + " (only member operator " + readerIndex + " may read it)");
                }
            }

            internalTensor[t] = true;
        }

        private static void Fail(int j, string message)
        {
            throw new ModelFormatException((j >= 0 ? "operator " + j + " (FusedBlock): " : "") + message);
        }

        /// <summary>True when op reads tensor t as any of its inputs.</summary>
        private static bool Reads(OperatorInfo op, int t)
        {
            int n = OperatorInputs.Count(op);
            for (int k = 0; k < n; k++)
            {
                if (OperatorInputs.At(op, k) == t)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
