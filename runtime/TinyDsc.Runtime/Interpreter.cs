using System;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Kernels;
using TinyDsc.Runtime.Native;

namespace TinyDsc.Runtime
{
    /// <summary>
    /// Runs an int8 model: one arena and one scratch buffer allocated at construction, operators executed in order by
    /// Invoke, which allocates nothing. Construction validates the model (ModelValidator: every rule of FORMAT.md,
    /// including the accumulator bound) and prepares each operator once (TFLM's Prepare): picks the kernel (a
    /// specialised convolution where the shape allows, else the reference) and folds the input zero point into the
    /// bias of the specialised convolutions.
    ///
    /// Memory (nanoCLR keeps every object field in its own 12-byte heap block and boxes a struct field of a class as a
    /// separate object): after construction the interpreter holds only what Invoke reads. Each operator is one small
    /// step object of its kernel's class with exactly the fields that kernel needs; window-op parameters are packed in
    /// one int[] per step, two to an int when they fit in 16 bits (for the specialised convolutions, at the end of the
    /// folded bias array, followed by the step's arena offsets; PointwiseStep keeps H·W and one int of zero points and
    /// clamp) and unpacked into the interpreter's single ConvParams before the kernel call; the one AddParams exists
    /// only when the model has an Add; PointwiseConv's long[] scratch exists only when a 1×1 convolution or fused block
    /// runs in IL; a managed interpreter without fused blocks keeps the kernels' bands in the arena's array, below the
    /// arena laid out top-down (MirroredArenaEnd).
    /// Shifts are kept as one byte per channel (a copy of the Model's int32 shifts). The Model, OperatorInfo and
    /// TensorInfo objects are not referenced after the constructor (only the weight, bias and multiplier arrays are),
    /// so a caller that drops its Model reference lets the collector free them.
    /// </summary>
    public sealed class Interpreter
    {
        private readonly Step[] _steps;
        private readonly sbyte[] _arena;
        private readonly sbyte[] _scratch;

        /// <summary>PointwiseConv's scratch (packed activations and partial sums), shared by every managed 1×1 convolution and
        /// fused block: the most any of them needs (Step.PackedLongs); null when none runs in IL.</summary>
        private readonly long[] _packed;
        private readonly int _inputOffset;

        /// <summary>True from SetInput until the next Invoke, which may overwrite the input tensor's bytes.</summary>
        private bool _inputSet;
        private readonly int _outputOffset;
        private readonly float _inputScale;
        private readonly int _inputZeroPoint;
        private readonly float _outputScale;
        private readonly int _outputZeroPoint;

        /// <summary>The one ConvParams every window-op step unpacks into before calling its kernel (one boxed struct per interpreter, not per step).</summary>
        private ConvParams _conv;

        /// <summary>As _conv, for the Add steps; allocated only when the model has an Add step (a boxed struct field costs
        /// one heap block per field on nanoCLR even when unused).</summary>
        private AddHolder _add;

        /// <summary>Native kernels in use (IsAvailable was true at construction), else null: managed kernels only.</summary>
        private readonly INativeKernels _native;

        /// <summary>Validates (ModelValidator.Validate) and prepares every operator, then allocates the arena and scratch once.</summary>
        /// <exception cref="ArgumentNullException">model is null.</exception>
        /// <exception cref="ModelFormatException">the model breaks a rule of FORMAT.md; the message names op and field.</exception>
        /// <exception cref="InvalidOperationException">the arena and scratch cannot be allocated; the message names the bytes needed.</exception>
        public Interpreter(Model model) : this(model, false)
        {
        }

        /// <summary>
        /// As <see cref="Interpreter(Model)"/>; with referenceConvolutions every Conv2D runs on Conv2DReference, the
        /// plain definition the specialised kernels are tested against. Outputs are identical either way (the kernels are
        /// bit-exact); use it to measure what the specialised kernels save, or to rule them out when chasing a fault on a
        /// device. Only the choice made at construction differs: Invoke is the same code.
        /// </summary>
        /// <exception cref="ArgumentNullException">model is null.</exception>
        /// <exception cref="ModelFormatException">the model breaks a rule of FORMAT.md; the message names op and field.</exception>
        /// <exception cref="InvalidOperationException">the arena and scratch cannot be allocated; the message names the bytes needed.</exception>
        public Interpreter(Model model, bool referenceConvolutions) : this(model, referenceConvolutions, null)
        {
        }

        /// <summary>
        /// As <see cref="Interpreter(Model)"/>, running every operator but Reshape (a byte copy) through nativeKernels
        /// when its IsAvailable(), probed once here, is true (a fused block moves its band in IL and runs each row's
        /// convolutions and Add natively); otherwise, or with null, the managed kernels run.
        /// The bytes are the same either way (runtime/native is bit-exact with the managed kernels). UsesNativeKernels and
        /// KernelName tell which path runs. On nanoFramework pass TinyDsc.Runtime.Native's FirmwareKernels: on firmware
        /// without the native module its probe fails and this interpreter is the managed one.
        /// </summary>
        /// <exception cref="ArgumentNullException">model is null.</exception>
        /// <exception cref="ModelFormatException">the model breaks a rule of FORMAT.md; the message names op and field.</exception>
        /// <exception cref="InvalidOperationException">the arena and scratch cannot be allocated; the message names the bytes needed.</exception>
        public Interpreter(Model model, INativeKernels nativeKernels) : this(model, false, nativeKernels)
        {
        }

        private Interpreter(Model model, bool referenceConvolutions, INativeKernels nativeKernels)
        {
            ModelValidator.Validate(model);
            _steps = new Step[model.Operators.Length];
            if (nativeKernels != null && nativeKernels.IsAvailable())
            {
                _native = nativeKernels;
            }

            // A managed interpreter may keep the kernels' band scratch in the same array as the arena, below an arena
            // laid out top-down (MirroredArenaEnd); mirrorEnd < 0 keeps the model's offsets and a separate scratch.
            int mirrorEnd = _native == null ? MirroredArenaEnd(model, referenceConvolutions) : -1;
            int scratch = 0;
            int packed = 0;
            int prepared = 0;
            int groupEnd = -1;
            for (int i = 0; i < _steps.Length; i++)
            {
                int stepScratch = 0;
                Step s;
                if (i <= groupEnd)
                {
                    // A member of a fused block: computed inside the block's step, on its work area in the arena.
                    s = new FusedMemberStep();
                }
                else
                {
                    s = Prepare(model, i, referenceConvolutions, mirrorEnd, out stepScratch);
                    if (model.Operators[i].OpCode == OpCodes.FusedBlock)
                    {
                        groupEnd = i + FusedBlocks.MemberCount(model.Operators[i]);
                    }
                }

                _steps[i] = s;
                if (s is AddStep && _add == null)
                {
                    _add = new AddHolder();
                }

                if (stepScratch > scratch)
                {
                    scratch = stepScratch;
                }

                prepared += s.PreparedBytes();
                Step n = _native != null ? s.ToNative() : null;
                if (n != null)
                {
                    _steps[i] = n;
                }

                // Only the steps that run PointwiseConv in IL need its scratch (none when every 1×1 runs natively).
                int longs = _steps[i].PackedLongs();
                if (longs > packed)
                {
                    packed = longs;
                }
            }

            TensorInfo input = model.Tensors[model.InputTensor];
            TensorInfo output = model.Tensors[model.OutputTensor];
            InputLength = input.ByteSize;
            OutputLength = output.ByteSize;
            _inputOffset = Place(input, mirrorEnd);
            _outputOffset = Place(output, mirrorEnd);
            _inputScale = input.Scale;
            _inputZeroPoint = input.ZeroPoint;
            _outputScale = output.Scale;
            _outputZeroPoint = output.ZeroPoint;
            PreparedBytes = prepared;
            if (mirrorEnd >= 0)
            {
                scratch = mirrorEnd - model.ArenaSize;
            }

            ScratchBytes = scratch + 8 * packed;
            ArenaBytes = model.ArenaSize;
            try
            {
                _arena = new sbyte[mirrorEnd >= 0 ? mirrorEnd : model.ArenaSize];
                _scratch = mirrorEnd >= 0 ? _arena : new sbyte[scratch];
                _packed = packed > 0 ? new long[packed] : null;
            }
            catch (Exception e)
            {
                // On nanoCLR a failed allocation surfaces as a plain exception; say what was asked for.
                throw new InvalidOperationException("Interpreter: cannot allocate " + ((long)model.ArenaSize + ScratchBytes)
                    + " bytes (arena " + model.ArenaSize + " + scratch " + ScratchBytes + "): " + e.Message);
            }
        }

        /// <summary>Element count of the input tensor (NHWC order).</summary>
        public int InputLength { get; }

        /// <summary>Element count of the output tensor.</summary>
        public int OutputLength { get; }

        /// <summary>Bytes of the activation arena (the model's ArenaSize).</summary>
        public int ArenaBytes { get; }

        /// <summary>
        /// Bytes of fixed kernel scratch beside the arena: the largest band any operator needs (or, when the bands
        /// share the arena's array, the bytes below the arena: MirroredArenaEnd), plus 8 bytes per long of
        /// PointwiseConv's packed scratch (the most any 1×1 convolution or fused block needs).
        /// </summary>
        public int ScratchBytes { get; }

        /// <summary>Bytes of data prepared at construction (folded biases of the specialised convolutions).</summary>
        public int PreparedBytes { get; }

        /// <summary>True when operators run on the native kernels (runtime/native), false on the managed ones.</summary>
        public bool UsesNativeKernels
        {
            get { return _native != null; }
        }

        /// <summary>Called after every operator of Invoke (IOperatorObserver); null (the default) for none.</summary>
        public IOperatorObserver Observer { get; set; }

        /// <summary>Name of the kernel chosen for operator i (e.g. "DepthwiseConv3x3", "Conv2DReference").</summary>
        public string KernelName(int operatorIndex)
        {
            if (operatorIndex < 0 || operatorIndex >= _steps.Length)
            {
                throw new ArgumentException("operator index must be in 0.." + (_steps.Length - 1) + ", got " + operatorIndex);
            }

            return _steps[operatorIndex].Name;
        }

        /// <summary>Copies InputLength int8 values (NHWC) from data[offset..] into the input tensor.</summary>
        public void SetInput(sbyte[] data, int offset)
        {
            CheckRange("SetInput", data == null ? -1 : data.Length, offset, InputLength);
            Array.Copy(data, offset, _arena, _inputOffset, InputLength);
            _inputSet = true;
        }

        /// <summary>Quantizes InputLength floats (NHWC) from data[offset..] with the input tensor's scale and zero point.</summary>
        public void SetInput(float[] data, int offset)
        {
            CheckRange("SetInput", data == null ? -1 : data.Length, offset, InputLength);
            for (int i = 0; i < InputLength; i++)
            {
                _arena[_inputOffset + i] = QuantMath.Quantize(data[offset + i], _inputScale, _inputZeroPoint);
            }

            _inputSet = true;
        }

        /// <summary>Copies OutputLength int8 values of the output tensor to dest[offset..].</summary>
        public void GetOutput(sbyte[] dest, int offset)
        {
            CheckRange("GetOutput", dest == null ? -1 : dest.Length, offset, OutputLength);
            Array.Copy(_arena, _outputOffset, dest, offset, OutputLength);
        }

        /// <summary>
        /// Copies the int8 bytes of a tensor of this interpreter's model (NHWC, TensorInfo.ByteSize values) to
        /// dest[offset..]. Meaningful for a tensor whose bytes are live: the input after SetInput, an operator's output
        /// inside IOperatorObserver.OperatorDone for that operator, the output after Invoke. The interpreter keeps no
        /// tensor table (device heap), so the caller passes the model's TensorInfo.
        /// </summary>
        /// <exception cref="ArgumentException">tensor is null or lies outside the arena, or dest is too short.</exception>
        public void GetTensor(TensorInfo tensor, sbyte[] dest, int offset)
        {
            if (tensor == null || tensor.ArenaOffset < 0 || tensor.ByteSize < 0 || tensor.ArenaOffset > ArenaBytes - tensor.ByteSize)
            {
                throw new ArgumentException("GetTensor: tensor must be one of this model's tensors (inside the " + ArenaBytes + "-byte arena)");
            }

            CheckRange("GetTensor", dest == null ? -1 : dest.Length, offset, tensor.ByteSize);
            // A shared scratch means the arena is laid out top-down, ending at the array's end (MirroredArenaEnd).
            Array.Copy(_arena, Place(tensor, _scratch == _arena ? _arena.Length : -1), dest, offset, tensor.ByteSize);
        }

        /// <summary>Writes OutputLength dequantized values of the output tensor to dest[offset..].</summary>
        public void GetOutput(float[] dest, int offset)
        {
            CheckRange("GetOutput", dest == null ? -1 : dest.Length, offset, OutputLength);
            for (int i = 0; i < OutputLength; i++)
            {
                dest[offset + i] = QuantMath.Dequantize(_arena[_outputOffset + i], _outputScale, _outputZeroPoint);
            }
        }

        /// <summary>
        /// Runs every operator in order on the input given by the last SetInput. Allocates nothing. Each Invoke needs
        /// its own SetInput: the converter's memory plan may place later activations over the input tensor.
        /// </summary>
        /// <exception cref="InvalidOperationException">SetInput was not called since the last Invoke.</exception>
        public void Invoke()
        {
            if (!_inputSet)
            {
                throw new InvalidOperationException(
                    "Invoke: no input since the last Invoke; call SetInput first (the memory plan may reuse the input tensor's bytes for later activations)");
            }

            // The input's bytes may be overwritten by the run below.
            _inputSet = false;
            Step[] steps = _steps;
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i].Run(this);

                // Members of a fused block have run inside the block's step; their internal tensors never exist.
                if (Observer != null && !(steps[i] is FusedMemberStep))
                {
                    Observer.OperatorDone(this, i);
                }
            }
        }

        // ---- The kernel table -------------------------------------------------------------------------------------
        // Each kernel is one nested Step class below: its identity (the class), its name, its scratch and how Invoke
        // runs it, side by side. Prepare maps an operator to a step; ChooseConvKernel is the one ordered list of the
        // convolution kernels. Adding a kernel: one Step class, one line in Prepare or ChooseConvKernel.

        /// <summary>
        /// Kernel for a Conv2D, first match wins: DepthwiseConv3x3, DepthwiseConv3x3Multiplier (3×3 depthwise with
        /// multiplier K ≥ 2, and the 3×3 stem over a one-channel input), PointwiseConv, Conv2DDense (groups 1),
        /// DepthwiseConv (any depthwise), else the reference (grouped with several channels per group; groups 1
        /// with W dilation). The returned step is empty; Prepare fills it.
        /// </summary>
        private static ConvStep ChooseConvKernel(ref ConvParams p, bool referenceConvolutions)
        {
            if (referenceConvolutions)
            {
                return new ConvReferenceStep();
            }

            if (DepthwiseConv3x3.IsSupported(ref p))
            {
                return new Depthwise3x3Step();
            }

            if (DepthwiseConv3x3Multiplier.IsSupported(ref p))
            {
                return new Depthwise3x3MultiplierStep();
            }

            if (PointwiseConv.IsSupported(ref p))
            {
                return new PointwiseStep();
            }

            if (Conv2DDense.IsSupported(ref p))
            {
                return new DenseStep();
            }

            if (DepthwiseConv.IsSupported(ref p))
            {
                return new DepthwiseStep();
            }

            return new ConvReferenceStep();
        }

        private static Step Prepare(Model model, int index, bool referenceConvolutions, int mirrorEnd, out int scratch)
        {
            OperatorInfo op = model.Operators[index];
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            scratch = 0;
            Step s;
            switch (op.OpCode)
            {
                case OpCodes.Conv2D:
                {
                    ConvParams p = ConvParamsOf(model, op);
                    ConvStep c = ChooseConvKernel(ref p, referenceConvolutions);
                    scratch = c.ScratchBytes(ref p);
                    c.Weights = op.Weights;
                    c.Multiplier = op.Multiplier;
                    c.Shift = Requantize.NarrowShifts(op.Shift);
                    if (c.FoldsBias)
                    {
                        // Every specialised convolution reads padding as zp_in from its band and takes the folded bias.
                        // The step's parameters ride at the end of the folded bias array (one array header less per
                        // step; kernels read only its first Cout values).
                        c.Bias = c.NewBias(ref p);
                        BiasFolding.Fold(op.Weights, op.Bias, p.OutputC, p.KernelH * p.KernelW * (p.InputC / p.Groups), p.InputZeroPoint, c.Bias);
                    }
                    else
                    {
                        c.Bias = op.Bias;
                        ((ConvReferenceStep)c).Packed = Pack(ref p, 0, 2);
                    }

                    s = c;
                    break;
                }

                case OpCodes.FullyConnected:
                {
                    var f = new FullyConnectedStep();
                    f.InputLength = input.ByteSize;
                    f.OutputLength = output.ByteSize;
                    f.InputZeroPoint = input.ZeroPoint;
                    f.OutputZeroPoint = output.ZeroPoint;
                    f.ActMin = op.ActMin;
                    f.ActMax = op.ActMax;
                    f.Weights = op.Weights;
                    f.Bias = op.Bias;
                    f.Multiplier = op.Multiplier;
                    f.Shift = Requantize.NarrowShifts(op.Shift);
                    s = f;
                    break;
                }

                case OpCodes.Add:
                {
                    TensorInfo input1 = model.Tensors[op.Input1];
                    var a = new AddStep();
                    a.Packed = new int[]
                    {
                        op.Params[0], op.Params[1], op.Params[2], op.Params[3], op.Params[4], op.Params[5], op.Params[6],
                        input.ZeroPoint, input1.ZeroPoint, output.ZeroPoint, op.ActMin, op.ActMax, output.ByteSize,
                        0, 0, Place(input1, mirrorEnd),
                    };
                    s = a;
                    break;
                }

                case OpCodes.AveragePool:
                {
                    ConvParams p = ConvParamsOf(model, op);
                    var a = new AveragePoolStep();
                    a.Packed = Pack(ref p, 0, 0);
                    a.CountIncludePad = op.Params[0] == 1;
                    s = a;
                    break;
                }

                case OpCodes.MaxPool:
                {
                    ConvParams p = ConvParamsOf(model, op);
                    var m = new MaxPoolStep();
                    m.Packed = Pack(ref p, 0, 0);
                    s = m;
                    break;
                }

                case OpCodes.GlobalAveragePool:
                {
                    var g = op.Multiplier != null ? new GlobalAveragePoolRequantizedStep() : new GlobalAveragePoolStep();
                    int h = input.Dims[1], w = input.Dims[2];
                    g.Packed = new int[] { h, w, input.Dims[3], input.ZeroPoint, output.ZeroPoint, 0, op.ActMin, op.ActMax, 0, 0 };
                    if (op.Multiplier != null)
                    {
                        g.Packed[5] = op.Params[0] == 1 ? h * w : 1;   // p0 = 1: TFLite's MEAN divides in the kernel
                        g.Packed[8] = op.Multiplier[0];
                        g.Packed[9] = op.Shift[0];
                    }

                    s = g;
                    break;
                }

                case OpCodes.FusedBlock:
                {
                    var f = new FusedBlockStep();
                    f.Block = FusedBlocks.Prepare(model, index);
                    f.Work = FusedBlocks.WorkOffset(op);
                    scratch = FusedBlock.ScratchBytes(f.Block);
                    s = f;
                    break;
                }

                case OpCodes.Lookup:
                {
                    var l = new LookupStep();
                    l.Table = op.Weights;
                    l.Count = input.ByteSize;
                    s = l;
                    break;
                }

                case OpCodes.Mul:
                {
                    TensorInfo input1 = model.Tensors[op.Input1];
                    var m = new MulStep();
                    m.In1 = Place(input1, mirrorEnd);
                    m.Packed = new int[]
                    {
                        output.ByteSize, input1.ByteSize == input.ByteSize ? 0 : input1.ByteSize, input.ZeroPoint, input1.ZeroPoint,
                        output.ZeroPoint, op.Params[0], op.Params[1], op.ActMin, op.ActMax,
                    };
                    s = m;
                    break;
                }

                case OpCodes.Softmax:
                {
                    var x = new SoftmaxStep();
                    x.Depth = input.Dims[input.Rank - 1];
                    x.Rows = input.ByteSize / x.Depth;
                    x.Multiplier = op.Params[0];
                    x.LeftShift = op.Params[1];
                    s = x;
                    break;
                }

                case OpCodes.Concat:
                {
                    var c = new ConcatStep();
                    int n = op.Params[0];
                    int last = output.Rank - 1;
                    c.Pixels = output.ByteSize / output.Dims[last];
                    c.OutputChannels = output.Dims[last];
                    c.InputOffsets = new int[n];
                    c.InputChannels = new int[n];
                    c.Tables = new sbyte[n][];
                    for (int k = 0; k < n; k++)
                    {
                        TensorInfo t = model.Tensors[OperatorInputs.At(op, k)];
                        c.InputOffsets[k] = Place(t, mirrorEnd);
                        c.InputChannels[k] = t.Dims[last];
                        int m = op.Params[3 + 2 * k], sh = op.Params[4 + 2 * k];
                        if (!Concat.IsIdentity(t.ZeroPoint, output.ZeroPoint, m, sh))
                        {
                            c.Tables[k] = new sbyte[256];
                            Concat.FillTable(t.ZeroPoint, output.ZeroPoint, m, sh, c.Tables[k]);
                        }
                    }

                    s = c;
                    break;
                }

                case OpCodes.PRelu:
                {
                    var pr = new PReluStep();
                    pr.Alpha = op.Weights;
                    pr.Packed = new int[]
                    {
                        input.ByteSize, input.ZeroPoint, op.Params[4], output.ZeroPoint, op.Params[0], op.Params[1], op.Params[2], op.Params[3],
                    };
                    s = pr;
                    break;
                }

                default:
                {
                    var r = new ReshapeStep();
                    r.Count = input.ByteSize;
                    s = r;
                    break;
                }
            }

            s.SetOffsets(Place(input, mirrorEnd), Place(output, mirrorEnd));
            return s;
        }

        /// <summary>One prepared operator: the base of every kernel's step class.</summary>
        private abstract class Step
        {
            /// <summary>Sets the arena offsets of the first input and the output (Prepare).</summary>
            public abstract void SetOffsets(int in0, int output);

            /// <summary>The kernel's name (KernelName).</summary>
            public abstract string Name { get; }

            /// <summary>Runs the kernel on the interpreter's arena; allocates nothing.</summary>
            public abstract void Run(Interpreter it);

            /// <summary>Bytes this step prepared at construction (PreparedBytes).</summary>
            public virtual int PreparedBytes()
            {
                return 0;
            }

            /// <summary>The same operator on the native kernels (tdsc_run's id and packing), or null where there is none.</summary>
            public virtual Step ToNative()
            {
                return null;
            }

            /// <summary>Longs of PointwiseConv scratch (Interpreter._packed) this step's Run needs; 0 for most.</summary>
            public virtual int PackedLongs()
            {
                return 0;
            }
        }

        /// <summary>A step that keeps its arena offsets as fields (every step but the convolutions, which keep them with their parameters).</summary>
        private abstract class ArenaStep : Step
        {
            public int In0;
            public int Out;

            public override void SetOffsets(int in0, int output)
            {
                In0 = in0;
                Out = output;
            }
        }

        /// <summary>
        /// An operator on the native kernels: INativeKernels.Run with the kernel id of the managed step it replaces
        /// (NativeKernelIds.Of its name), parameters packed as tdsc_run takes them, the same blobs (empty arrays for
        /// absent ones: nanoFramework's interop cannot marshal null).
        /// </summary>
        private sealed class NativeStep : ArenaStep
        {
            private static readonly int[] NoInts = new int[0];
            private static readonly sbyte[] NoBytes = new sbyte[0];
            private readonly string _name;
            private readonly int _kernel;
            private readonly int[] _params;
            private readonly sbyte[] _weights;
            private readonly int[] _bias;
            private readonly int[] _multiplier;
            private readonly int[] _shift;
            private readonly int _in1;

            public NativeStep(Step managed, int in0, int output, int[] parameters, sbyte[] weights, int[] bias, int[] multiplier, int[] shift, int in1)
            {
                _name = managed.Name + " (native)";
                _kernel = NativeKernelIds.Of(managed.Name);
                _params = parameters;
                _weights = weights != null ? weights : NoBytes;
                _bias = bias != null ? bias : NoInts;
                _multiplier = multiplier != null ? multiplier : NoInts;
                _shift = shift != null ? shift : NoInts;
                _in1 = in1;
                In0 = in0;
                Out = output;
            }

            public override string Name
            {
                get { return _name; }
            }

            public override void Run(Interpreter it)
            {
                int status = it._native.Run(_kernel, _params, it._arena, In0, _in1, Out, _weights, _bias, _multiplier, _shift, it._scratch);
                if (status != NativeKernelIds.StatusOk)
                {
                    throw new InvalidOperationException("Invoke: native kernel " + _name + " failed with status " + status);
                }
            }
        }

        /// <summary>
        /// A Conv2D step: weights, bias and requantization. A specialised kernel's Bias is the folded bias (Cout values)
        /// followed by its parameters (NewBias: ConvParams as Pack writes them, 11 ints for any layer whose fields fit
        /// in 16 bits; 2 ints for PointwiseStep) and the arena offsets of input and output (two fields less per step);
        /// the reference's Bias is the model's, its parameters and offsets in its own array.
        /// </summary>
        private abstract class ConvStep : Step
        {
            public sbyte[] Weights;
            public int[] Bias;
            public int[] Multiplier;
            public sbyte[] Shift;

            /// <summary>A bias array for p: Cout values for the folded bias, then the step's parameters (all of p in
            /// Pack's layout unless overridden) and the two offsets.</summary>
            public virtual int[] NewBias(ref ConvParams p)
            {
                return Pack(ref p, p.OutputC, 2);
            }

            /// <summary>The 21 ConvParams values in declaration order, as tdsc_run takes them.</summary>
            public virtual int[] Params()
            {
                int[] t = Tail();
                return Expand(t, t.Length - 2);
            }

            /// <summary>The array that ends with the parameters and the two offsets (Bias, or the reference's Packed).</summary>
            public virtual int[] Tail()
            {
                return Bias;
            }

            public override void SetOffsets(int in0, int output)
            {
                int[] t = Tail();
                t[t.Length - 2] = in0;
                t[t.Length - 1] = output;
            }

            /// <summary>Arena offset of the input (which 0) or the output (1).</summary>
            public int Offset(int which)
            {
                int[] t = Tail();
                return t[t.Length - 2 + which];
            }

            /// <summary>Unpacks the parameters into the interpreter's ConvParams.</summary>
            public void UnpackTo(Interpreter it)
            {
                int[] t = Tail();
                Unpack(t, t.Length - 2, ref it._conv);
            }

            /// <summary>True when the kernel takes the bias with the input zero point folded in (BiasFolding).</summary>
            public virtual bool FoldsBias
            {
                get { return true; }
            }

            public virtual int ScratchBytes(ref ConvParams p)
            {
                return 0;
            }

            public override int PreparedBytes()
            {
                return FoldsBias ? 4 * Multiplier.Length : 0;
            }

            public override Step ToNative()
            {
                int[] bias = Bias;
                if (FoldsBias)
                {
                    bias = new int[Multiplier.Length];
                    Array.Copy(Bias, bias, bias.Length);
                }

                return new NativeStep(this, Offset(0), Offset(1), Params(), Weights, bias, Multiplier, Requantize.WidenShifts(Shift), 0);
            }
        }

        private sealed class ConvReferenceStep : ConvStep
        {
            /// <summary>The packed ConvParams and the two offsets (the bias is the model's own array).</summary>
            public int[] Packed;

            public override int[] Tail()
            {
                return Packed;
            }

            public override string Name
            {
                get { return "Conv2DReference"; }
            }

            public override bool FoldsBias
            {
                get { return false; }
            }

            public override void Run(Interpreter it)
            {
                UnpackTo(it);
                Conv2DReference.Run(ref it._conv, it._arena, Offset(0), Weights, Bias, Multiplier, Shift, it._arena, Offset(1));
            }
        }

        private sealed class Depthwise3x3Step : ConvStep
        {
            public override string Name
            {
                get { return "DepthwiseConv3x3"; }
            }

            public override int ScratchBytes(ref ConvParams p)
            {
                return DepthwiseConv3x3.GetScratchSize(ref p);
            }

            public override void Run(Interpreter it)
            {
                UnpackTo(it);
                DepthwiseConv3x3.Run(ref it._conv, it._arena, Offset(0), Weights, Bias, Multiplier, Shift, it._arena, Offset(1), it._scratch);
            }
        }

        private sealed class Depthwise3x3MultiplierStep : ConvStep
        {
            public override string Name
            {
                get { return "DepthwiseConv3x3Multiplier"; }
            }

            public override int ScratchBytes(ref ConvParams p)
            {
                return DepthwiseConv3x3Multiplier.GetScratchSize(ref p);
            }

            public override void Run(Interpreter it)
            {
                UnpackTo(it);
                DepthwiseConv3x3Multiplier.Run(ref it._conv, it._arena, Offset(0), Weights, Bias, Multiplier, Shift, it._arena, Offset(1), it._scratch);
            }
        }

        private sealed class PointwiseStep : ConvStep
        {
            public override string Name
            {
                get { return "PointwiseConv"; }
            }

            /// <summary>After the folded bias: H·W and the four int8 values zp_in, zp_out, ActMin, ActMax in one int (a byte
            /// each, from the low byte), then the offsets. Cout is Multiplier.Length, Cin Weights.Length / Cout.</summary>
            public override int[] NewBias(ref ConvParams p)
            {
                int at = p.OutputC;
                var a = new int[at + 4];
                a[at] = p.InputH * p.InputW;
                a[at + 1] = (p.InputZeroPoint & 0xFF) | (p.OutputZeroPoint & 0xFF) << 8 | (p.ActMin & 0xFF) << 16 | p.ActMax << 24;
                return a;
            }

            public override int[] Params()
            {
                // The same layer over H·W × 1 pixels (a 1×1, stride 1, dilation 1, groups 1, unpadded layer reads
                // each pixel alone), in Pack's field order.
                int[] b = Bias;
                int z = b[b.Length - 3];
                var a = new int[PackedCount];
                for (int k = 6; k < 12; k++)
                {
                    a[k] = 1;
                }

                a[0] = a[3] = b[b.Length - 4];
                a[1] = a[4] = a[16] = 1;
                a[5] = Multiplier.Length;
                a[2] = Weights.Length / a[5];
                for (int k = 17; k < PackedCount; k++)
                {
                    a[k] = (sbyte)z;
                    z >>= 8;
                }

                return a;
            }

            public override int PackedLongs()
            {
                int cout = Multiplier.Length;
                return PointwiseConv.PackedLongs(Weights.Length / cout, cout);
            }

            public override void Run(Interpreter it)
            {
                // ModelValidator checked the layer at construction: straight to the kernel's loop.
                // Three locals: each is a frame slot on nanoCLR's heap, under the kernel's frames.
                int[] b = Bias;
                int z = b[b.Length - 3];
                int cout = Multiplier.Length;
                PointwiseConv.Compute(b[b.Length - 4], Weights.Length / cout, cout, it._arena, b[b.Length - 2], Weights, b, Multiplier, Shift,
                    it._arena, b[b.Length - 1], (sbyte)(z >> 8), (sbyte)(z >> 16), z >> 24, it._packed);
            }
        }

        private sealed class DenseStep : ConvStep
        {
            public override string Name
            {
                get { return "Conv2DDense"; }
            }

            public override int ScratchBytes(ref ConvParams p)
            {
                return Conv2DDense.GetScratchSize(ref p);
            }

            public override void Run(Interpreter it)
            {
                UnpackTo(it);
                Conv2DDense.Run(ref it._conv, it._arena, Offset(0), Weights, Bias, Multiplier, Shift, it._arena, Offset(1), it._scratch);
            }
        }

        private sealed class DepthwiseStep : ConvStep
        {
            public override string Name
            {
                get { return "DepthwiseConv"; }
            }

            public override int ScratchBytes(ref ConvParams p)
            {
                return DepthwiseConv.GetScratchSize(ref p);
            }

            public override void Run(Interpreter it)
            {
                UnpackTo(it);
                DepthwiseConv.Run(ref it._conv, it._arena, Offset(0), Weights, Bias, Multiplier, Shift, it._arena, Offset(1), it._scratch);
            }
        }

        /// <summary>A fused block (FORMAT.md op 8): its members prepared as one Kernels.FusedBlock, its work area's offset.</summary>
        private sealed class FusedBlockStep : ArenaStep
        {
            public FusedBlock Block;
            public int Work;

            public override string Name
            {
                get { return "FusedBlock"; }
            }

            public override Step ToNative()
            {
                if (!FusedBlock.RunsNative(Block))
                {
                    return null;
                }

                var n = new NativeFusedBlockStep();
                n.Block = Block;
                n.Rows = FusedBlockRows.Pack(Block);
                n.Work = Work;
                n.In0 = In0;
                n.Out = Out;
                return n;
            }

            public override void Run(Interpreter it)
            {
                FusedBlock.Run(Block, it._arena, In0, Out, Work, null, null, it._scratch, it._packed);
            }

            public override int PackedLongs()
            {
                return FusedBlock.PackedLongs(Block);
            }

            public override int PreparedBytes()
            {
                return FusedBlocks.PreparedBytes(Block);
            }
        }

        /// <summary>A fused block on the native kernels: the band moves in IL, each row's convolutions and Add run natively.</summary>
        private sealed class NativeFusedBlockStep : ArenaStep
        {
            public FusedBlock Block;
            public FusedBlockRows Rows;
            public int Work;

            public override string Name
            {
                get { return "FusedBlock (native)"; }
            }

            public override void Run(Interpreter it)
            {
                FusedBlock.Run(Block, it._arena, In0, Out, Work, it._native, Rows, it._scratch, null);
            }
        }

        /// <summary>A member of a fused block: runs inside FusedBlockStep; nothing of its own.</summary>
        private sealed class FusedMemberStep : Step
        {
            public override void SetOffsets(int in0, int output)
            {
            }

            public override string Name
            {
                get { return "FusedMember"; }
            }

            public override void Run(Interpreter it)
            {
            }
        }

        private sealed class FullyConnectedStep : ArenaStep
        {
            public int InputLength;
            public int OutputLength;
            public int InputZeroPoint;
            public int OutputZeroPoint;
            public int ActMin;
            public int ActMax;
            public sbyte[] Weights;
            public int[] Bias;
            public int[] Multiplier;
            public sbyte[] Shift;

            public override string Name
            {
                get { return "FullyConnected"; }
            }

            public override Step ToNative()
            {
                int[] p = new int[] { InputLength, OutputLength, InputZeroPoint, OutputZeroPoint, ActMin, ActMax };
                return new NativeStep(this, In0, Out, p, Weights, Bias, Multiplier, Requantize.WidenShifts(Shift), 0);
            }

            public override void Run(Interpreter it)
            {
                FullyConnected.Run(InputLength, OutputLength, InputZeroPoint, OutputZeroPoint, ActMin, ActMax,
                    it._arena, In0, Weights, Bias, Multiplier, Shift, it._arena, Out);
            }
        }

        /// <summary>Add: Packed holds the format's p0..p6, the three zero points, ActMin, ActMax and the element count
        /// (tdsc_run's 13 parameters), then the arena offsets of input 0, the output and input 1.</summary>
        private sealed class AddStep : Step
        {
            public int[] Packed;

            public override string Name
            {
                get { return "Add"; }
            }

            public override void SetOffsets(int in0, int output)
            {
                Packed[13] = in0;
                Packed[14] = output;
            }

            public override Step ToNative()
            {
                int[] a = Packed;
                var p = new int[13];
                Array.Copy(a, p, 13);
                return new NativeStep(this, a[13], a[14], p, null, null, null, null, a[15]);
            }

            public override void Run(Interpreter it)
            {
                int[] a = Packed;
                AddHolder h = it._add;
                h.P.LeftShift = a[0];
                h.P.Input0Multiplier = a[1];
                h.P.Input0Shift = a[2];
                h.P.Input1Multiplier = a[3];
                h.P.Input1Shift = a[4];
                h.P.OutputMultiplier = a[5];
                h.P.OutputShift = a[6];
                h.P.Input0ZeroPoint = a[7];
                h.P.Input1ZeroPoint = a[8];
                h.P.OutputZeroPoint = a[9];
                h.P.ActMin = a[10];
                h.P.ActMax = a[11];
                Add.Run(ref h.P, it._arena, a[13], it._arena, a[15], it._arena, a[14], a[12]);
            }
        }

        /// <summary>The Add steps' one AddParams (Interpreter._add).</summary>
        private sealed class AddHolder
        {
            public AddParams P;
        }

        private sealed class AveragePoolStep : ArenaStep
        {
            public int[] Packed;
            public bool CountIncludePad;

            public override string Name
            {
                get { return "AveragePool"; }
            }

            public override Step ToNative()
            {
                int[] p = new int[22];
                Array.Copy(Expand(Packed, Packed.Length), p, PackedCount);
                p[21] = CountIncludePad ? 1 : 0;
                return new NativeStep(this, In0, Out, p, null, null, null, null, 0);
            }

            public override void Run(Interpreter it)
            {
                Unpack(Packed, Packed.Length, ref it._conv);
                AveragePool.Run(ref it._conv, CountIncludePad, it._arena, In0, it._arena, Out);
            }
        }

        private sealed class MaxPoolStep : ArenaStep
        {
            public int[] Packed;

            public override string Name
            {
                get { return "MaxPool"; }
            }

            public override Step ToNative()
            {
                return new NativeStep(this, In0, Out, Expand(Packed, Packed.Length), null, null, null, null, 0);
            }

            public override void Run(Interpreter it)
            {
                Unpack(Packed, Packed.Length, ref it._conv);
                MaxPool.Run(ref it._conv, it._arena, In0, it._arena, Out);
            }
        }

        /// <summary>GlobalAveragePool keeping the input scale; base of the requantizing one. Packed: H, W, C, zp_in, zp_out,
        /// divisor, ActMin, ActMax (the requantizing one's tdsc_run parameters), multiplier, shift; divisor 0 here.</summary>
        private class GlobalAveragePoolStep : ArenaStep
        {
            public int[] Packed;

            public override string Name
            {
                get { return "GlobalAveragePool"; }
            }

            public override Step ToNative()
            {
                int[] a = Packed;
                if (a[5] == 0)
                {
                    return new NativeStep(this, In0, Out, new int[] { a[0], a[1], a[2], a[6], a[7] }, null, null, null, null, 0);
                }

                var p = new int[8];
                Array.Copy(a, p, 8);
                return new NativeStep(this, In0, Out, p, null, null, new int[] { a[8] }, new int[] { a[9] }, 0);
            }

            public override void Run(Interpreter it)
            {
                int[] a = Packed;
                GlobalAveragePool.Run(a[0], a[1], a[2], a[6], a[7], it._arena, In0, it._arena, Out);
            }
        }

        private sealed class GlobalAveragePoolRequantizedStep : GlobalAveragePoolStep
        {
            public override string Name
            {
                get { return "GlobalAveragePoolRequantized"; }
            }

            public override void Run(Interpreter it)
            {
                int[] a = Packed;
                GlobalAveragePoolRequantized.Run(a[0], a[1], a[2], a[3], a[4], a[8], a[9], a[5], a[6], a[7], it._arena, In0, it._arena, Out);
            }
        }

        /// <summary>Lookup: the op's 256-entry table applied to Count elements.</summary>
        private sealed class LookupStep : ArenaStep
        {
            public sbyte[] Table;
            public int Count;

            public override string Name
            {
                get { return "Lookup"; }
            }

            public override Step ToNative()
            {
                return new NativeStep(this, In0, Out, new int[] { Count }, Table, null, null, null, 0);
            }

            public override void Run(Interpreter it)
            {
                Lookup.Run(Table, it._arena, In0, it._arena, Out, Count);
            }
        }

        /// <summary>Mul: Packed holds count, broadcast channels (0 = same shape), the three zero points, multiplier, shift, ActMin, ActMax.</summary>
        private sealed class MulStep : ArenaStep
        {
            public int In1;
            public int[] Packed;

            public override string Name
            {
                get { return "Mul"; }
            }

            public override Step ToNative()
            {
                return new NativeStep(this, In0, Out, Packed, null, null, null, null, In1);
            }

            public override void Run(Interpreter it)
            {
                int[] a = Packed;
                Mul.Run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], it._arena, In0, it._arena, In1, it._arena, Out);
            }
        }

        /// <summary>Softmax over the last axis: Rows rows of Depth classes, the input multiplier and left shift (p0, p1).</summary>
        private sealed class SoftmaxStep : ArenaStep
        {
            public int Rows;
            public int Depth;
            public int Multiplier;
            public int LeftShift;

            public override string Name
            {
                get { return "Softmax"; }
            }

            public override void Run(Interpreter it)
            {
                Softmax.Run(Rows, Depth, Multiplier, LeftShift, it._arena, In0, it._arena, Out);
            }
        }

        /// <summary>Concat: each input's channel slice in turn, copied (null table) or through its requantization table.</summary>
        private sealed class ConcatStep : ArenaStep
        {
            public int Pixels;
            public int OutputChannels;
            public int[] InputOffsets;
            public int[] InputChannels;
            public sbyte[][] Tables;

            public override string Name
            {
                get { return "Concat"; }
            }

            public override int PreparedBytes()
            {
                int bytes = 0;
                for (int k = 0; k < Tables.Length; k++)
                {
                    if (Tables[k] != null)
                    {
                        bytes += 256;
                    }
                }

                return bytes;
            }

            public override void Run(Interpreter it)
            {
                int offset = 0;
                for (int k = 0; k < InputOffsets.Length; k++)
                {
                    Concat.Run(Pixels, InputChannels[k], OutputChannels, offset, Tables[k], it._arena, InputOffsets[k], it._arena, Out);
                    offset += InputChannels[k];
                }
            }
        }

        /// <summary>PRelu: Packed holds count, the input, alpha and output zero points, multiplier and shift for x ≥ 0, then for x &lt; 0.</summary>
        private sealed class PReluStep : ArenaStep
        {
            public sbyte[] Alpha;
            public int[] Packed;

            public override string Name
            {
                get { return "PRelu"; }
            }

            public override void Run(Interpreter it)
            {
                int[] a = Packed;
                PRelu.Run(a[0], Alpha, a[1], a[2], a[3], a[4], a[5], a[6], a[7], it._arena, In0, it._arena, Out);
            }
        }

        private sealed class ReshapeStep : ArenaStep
        {
            public int Count;

            public override string Name
            {
                get { return "Reshape"; }
            }

            public override void Run(Interpreter it)
            {
                Reshape.Run(it._arena, In0, it._arena, Out, Count);
            }
        }

        // ---- Arena layout -----------------------------------------------------------------------------------------

        /// <summary>Where tensor t starts in the interpreter's arena array: its ArenaOffset, or mirrored below mirrorEnd.</summary>
        private static int Place(TensorInfo t, int mirrorEnd)
        {
            return mirrorEnd < 0 ? t.ArenaOffset : mirrorEnd - t.ArenaOffset - t.ByteSize;
        }

        /// <summary>
        /// The band scratch the kernels index from 0 may share the arena's array: with the arena laid out top-down
        /// above B bytes (a tensor's bytes at B + ArenaSize − ArenaOffset − ByteSize, Place), a convolution needing s
        /// bytes of scratch may use [0, s) when every tensor live during it (from the first operator that reads or
        /// writes it to the last; the input from the start, the output to the end) ends at least s − B bytes below
        /// the top of the model's plan. Returns B + ArenaSize for the least such B, which is never more than the
        /// largest band, so the one array never exceeds arena + scratch; −1 with fused blocks, whose work areas are
        /// laid out by the block (the separate scratch is kept).
        /// </summary>
        private static int MirroredArenaEnd(Model model, bool referenceConvolutions)
        {
            OperatorInfo[] ops = model.Operators;
            int n = model.Tensors.Length;
            // 1 + the first and the last operator that reads or writes each tensor (0: none).
            int[] first = new int[n];
            int[] last = new int[n];
            for (int i = 0; i < ops.Length; i++)
            {
                OperatorInfo op = ops[i];
                if (op.OpCode == OpCodes.FusedBlock)
                {
                    return -1;
                }

                for (int k = -1; k < OperatorInputs.Count(op); k++)
                {
                    int t = k < 0 ? op.Output : OperatorInputs.At(op, k);
                    if (first[t] == 0)
                    {
                        first[t] = i + 1;
                    }

                    last[t] = i + 1;
                }
            }

            first[model.InputTensor] = 1;
            last[model.OutputTensor] = ops.Length;
            int below = model.ArenaSize;
            for (int i = 0; i < ops.Length; i++)
            {
                if (ops[i].OpCode != OpCodes.Conv2D)
                {
                    continue;
                }

                ConvParams p = ConvParamsOf(model, ops[i]);
                int s = ChooseConvKernel(ref p, referenceConvolutions).ScratchBytes(ref p);
                int top = 0;
                for (int t = 0; t < n; t++)
                {
                    TensorInfo x = model.Tensors[t];
                    if (first[t] <= i + 1 && i < last[t] && x.ArenaOffset + x.ByteSize > top)
                    {
                        top = x.ArenaOffset + x.ByteSize;
                    }
                }

                // The array's length if the band ended at the mirrored arena's lowest live byte.
                top += s;
                if (top > below)
                {
                    below = top;
                }
            }

            return below;
        }

        // ---- Parameters -------------------------------------------------------------------------------------------

        /// <summary>Window-op parameters from the operator record and its NHWC input/output tensors.</summary>
        public static ConvParams ConvParamsOf(Model model, OperatorInfo op)
        {
            TensorInfo input = model.Tensors[op.Input0];
            TensorInfo output = model.Tensors[op.Output];
            var p = new ConvParams();
            p.InputH = input.Dims[1];
            p.InputW = input.Dims[2];
            p.InputC = input.Dims[3];
            p.OutputH = output.Dims[1];
            p.OutputW = output.Dims[2];
            p.OutputC = output.Dims[3];
            p.KernelH = op.KernelH;
            p.KernelW = op.KernelW;
            p.StrideH = op.StrideH;
            p.StrideW = op.StrideW;
            p.DilationH = op.DilationH;
            p.DilationW = op.DilationW;
            p.PadTop = op.PadTop;
            p.PadLeft = op.PadLeft;
            p.PadBottom = op.PadBottom;
            p.PadRight = op.PadRight;
            p.Groups = op.Groups;
            p.InputZeroPoint = input.ZeroPoint;
            p.OutputZeroPoint = output.ZeroPoint;
            p.ActMin = op.ActMin;
            p.ActMax = op.ActMax;
            return p;
        }

        /// <summary>Values Pack writes: ConvParams' 21 fields.</summary>
        private const int PackedCount = 21;

        /// <summary>Ends Pack's one-field-an-int layout.</summary>
        private const int Unpaired = int.MinValue;

        /// <summary>
        /// A new array: before zeros, the 21 fields of p in declaration order, after zeros. Two fields to an int (the
        /// even field in the low half; each half read back as a signed 16-bit value), 11 ints, when every field lies
        /// in −32768..32767; else one field to an int followed by Unpaired, 22 ints.
        /// </summary>
        private static int[] Pack(ref ConvParams p, int before, int after)
        {
            var v = new int[PackedCount];
            PackInto(ref p, v);
            int n = PackedCount / 2 + 1;
            for (int k = 0; k < PackedCount; k++)
            {
                if (v[k] != (short)v[k])
                {
                    n = PackedCount + 1;
                }
            }

            var a = new int[before + n + after];
            for (int k = 0; k < PackedCount; k++)
            {
                if (n > PackedCount)
                {
                    a[before + k] = v[k];
                }
                else
                {
                    a[before + k / 2] |= (v[k] & 0xFFFF) << (k & 1) * 16;
                }
            }

            if (n > PackedCount)
            {
                a[before + PackedCount] = Unpaired;
            }

            return a;
        }

        /// <summary>The 21 fields of p into a, in declaration order.</summary>
        private static void PackInto(ref ConvParams p, int[] a)
        {
            a[0] = p.InputH;
            a[1] = p.InputW;
            a[2] = p.InputC;
            a[3] = p.OutputH;
            a[4] = p.OutputW;
            a[5] = p.OutputC;
            a[6] = p.KernelH;
            a[7] = p.KernelW;
            a[8] = p.StrideH;
            a[9] = p.StrideW;
            a[10] = p.DilationH;
            a[11] = p.DilationW;
            a[12] = p.PadTop;
            a[13] = p.PadLeft;
            a[14] = p.PadBottom;
            a[15] = p.PadRight;
            a[16] = p.Groups;
            a[17] = p.InputZeroPoint;
            a[18] = p.OutputZeroPoint;
            a[19] = p.ActMin;
            a[20] = p.ActMax;
        }

        /// <summary>The 21 fields Pack wrote before a[end] (a new array; tdsc_run's layout).</summary>
        private static int[] Expand(int[] a, int end)
        {
            var p = new ConvParams();
            Unpack(a, end, ref p);
            var v = new int[PackedCount];
            PackInto(ref p, v);
            return v;
        }

        /// <summary>The fields Pack wrote before a[end] into p.</summary>
        private static void Unpack(int[] a, int end, ref ConvParams p)
        {
            bool paired = a[end - 1] != Unpaired;
            int at = paired ? end - PackedCount / 2 - 1 : end - PackedCount - 1;
            for (int k = 0; k < PackedCount; k++)
            {
                Set(ref p, k, paired ? (short)(a[at + k / 2] >> (k & 1) * 16) : a[at + k]);
            }
        }

        /// <summary>Sets field k of p (declaration order, as PackInto writes them) to v.</summary>
        private static void Set(ref ConvParams p, int k, int v)
        {
            switch (k)
            {
                case 0: p.InputH = v; return;
                case 1: p.InputW = v; return;
                case 2: p.InputC = v; return;
                case 3: p.OutputH = v; return;
                case 4: p.OutputW = v; return;
                case 5: p.OutputC = v; return;
                case 6: p.KernelH = v; return;
                case 7: p.KernelW = v; return;
                case 8: p.StrideH = v; return;
                case 9: p.StrideW = v; return;
                case 10: p.DilationH = v; return;
                case 11: p.DilationW = v; return;
                case 12: p.PadTop = v; return;
                case 13: p.PadLeft = v; return;
                case 14: p.PadBottom = v; return;
                case 15: p.PadRight = v; return;
                case 16: p.Groups = v; return;
                case 17: p.InputZeroPoint = v; return;
                case 18: p.OutputZeroPoint = v; return;
                case 19: p.ActMin = v; return;
                default: p.ActMax = v; return;
            }
        }

        private static void CheckRange(string method, int arrayLength, int offset, int count)
        {
            if (arrayLength < 0)
            {
                throw new ArgumentException(method + ": array must not be null (expected " + count + " values)");
            }

            if (offset < 0 || offset > arrayLength || arrayLength - offset < count)
            {
                throw new ArgumentException(method + ": expected " + count + " values from offset " + offset
                    + ", but the array has length " + arrayLength);
            }
        }
    }
}
