using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TinyDsc.Converter.Pipeline;
using TinyDsc.Converter.Planning;
using TinyDsc.Runtime;
using TinyDsc.Converter.Format;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Cli.Commands;

/// <summary>tinydsc inspect MODEL.tdsc — layers, tensors, arena, scratch, model bytes and the device heap estimate (board fit).</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL.tdsc") { Description = "int8 model written by convert" };
        var outputTensor = new Option<string?>("--output-tensor") { Description = ".tflite only: import up to this tensor (see convert)" };
        var command = new Command("inspect", "Show a .tdsc (or int8 .tflite) model's layers, tensors and memory") { model, outputTensor };
        command.SetAction(Cli.Guard(context, parse =>
        {
            string path = parse.GetRequiredValue(model);
            (Model m, byte[] bytes, bool tflite) = TfliteFiles.LoadModel(path, parse.GetValue(outputTensor));
            IAnsiConsole console = context.Ansi;

            var layers = new Table().Title("layers")
                .AddColumn("#").AddColumn("op").AddColumn("kernel / stride / groups").AddColumn("input → output")
                .AddColumn(new TableColumn("weight B").RightAligned()).AddColumn(new TableColumn("requant B").RightAligned()).AddColumn(new TableColumn("out scale").RightAligned())
                .AddColumn(new TableColumn("out zp").RightAligned()).AddColumn(new TableColumn("act").RightAligned());
            for (int i = 0; i < m.Operators.Length; i++)
            {
                OperatorInfo op = m.Operators[i];
                TensorInfo output = m.Tensors[op.Output];
                string inputs = string.Join(" + ", System.Array.ConvertAll(op.InputTensors(), t => Shape(m.Tensors[t])));
                layers.AddRow(i.ToString(CultureInfo.InvariantCulture), OpCodes.Name(op.OpCode), Markup.Escape(Geometry(op)),
                    Markup.Escape(inputs + " → " + Shape(output)), WeightBytes(op).ToString(CultureInfo.InvariantCulture),
                    RequantBytes(op).ToString(CultureInfo.InvariantCulture),
                    output.Scale.ToString("G5", CultureInfo.InvariantCulture), output.ZeroPoint.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape($"[{op.ActMin},{op.ActMax}]"));
            }
            console.Write(layers);

            var tensors = new Table().Title("tensors (NHWC)")
                .AddColumn("#").AddColumn("shape").AddColumn(new TableColumn("scale").RightAligned())
                .AddColumn(new TableColumn("zp").RightAligned()).AddColumn(new TableColumn("arena offset").RightAligned())
                .AddColumn(new TableColumn("bytes").RightAligned()).AddColumn("role");
            for (int t = 0; t < m.Tensors.Length; t++)
            {
                TensorInfo info = m.Tensors[t];
                string role = t == m.InputTensor ? "input" : t == m.OutputTensor ? "output" : info.ArenaOffset == -1 ? "inside a fused block" : "";
                tensors.AddRow(t.ToString(CultureInfo.InvariantCulture), Markup.Escape(Shape(info)),
                    info.Scale.ToString("G5", CultureInfo.InvariantCulture), info.ZeroPoint.ToString(CultureInfo.InvariantCulture),
                    info.ArenaOffset.ToString(CultureInfo.InvariantCulture), info.ByteSize.ToString(CultureInfo.InvariantCulture), role);
            }
            console.Write(tensors);

            // Building an interpreter runs the runtime's own checks and reports what it prepares at load.
            var interpreter = new Interpreter(m);
            int scratch = interpreter.ScratchBytes;
            var memory = new Table().Title("memory").AddColumn("").AddColumn(new TableColumn("bytes").RightAligned());
            memory.AddRow("arena", Format.Bytes(m.ArenaSize));
            int groups = BlockFusion.Groups(m).Count;
            if (groups > 0)
            {
                // The same operators without their group records, planned by the same greedy planner.
                Model unfused = BlockFusion.Defuse(m);
                ModelMemoryPlanner.Apply(unfused);
                memory.AddRow($"arena without fusion ({groups} fused blocks)", Format.Bytes(unfused.ArenaSize));
            }
            memory.AddRow("scratch", Format.Bytes(scratch));
            memory.AddRow("model", Format.Bytes(bytes.Length));
            // Data only; the device heap (objects, headers, stack) is the board-fit table's estimate below.
            memory.AddRow("data: arena + scratch + model", Format.Bytes((long)m.ArenaSize + scratch + bytes.Length));
            memory.AddRow("also prepared at load (folded biases)", Format.Bytes(interpreter.PreparedBytes));
            if (tflite)
            {
                (long? tflm, string source) = TfliteFiles.TflmArena(path);
                memory.AddRow("TFLM arena_used_bytes (whole .tflite)", Markup.Escape(tflm is long b ? Format.Bytes(b) : "—"));
                memory.AddRow("", Markup.Escape(source));
            }
            console.Write(memory);
            console.Write(BoardFitTable(m, bytes.Length));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The device heap estimate and which boards it fits (<see cref="BoardFit"/>); convert prints it too.</summary>
    internal static Table BoardFitTable(Model m, int fileBytes)
    {
        HeapEstimate e = BoardFit.Estimate(m, fileBytes);
        var table = new Table().Title("board fit (estimate: ESP32 nanoCLR managed heap)")
            .AddColumn("").AddColumn(new TableColumn("bytes / verdict"));
        table.AddRow("loading: boot + model + 16 KB chunk", Format.Bytes(e.Loading));
        table.AddRow("running: boot + interpreter + stack + buffers", Format.Bytes(e.Running));
        table.AddRow(Markup.Escape($"heap peak + {BoardFit.Reserve:N0} B reserve"), Format.Bytes(e.Peak + BoardFit.Reserve));
        foreach (BoardVerdict v in BoardFit.Evaluate(e))
        {
            table.AddRow(Markup.Escape(v.Board.Name), Markup.Escape(BoardFit.Describe(v)));
        }
        return table;
    }

    internal static string Shape(TensorInfo t)
    {
        var dims = new string[t.Rank];
        for (int i = 0; i < t.Rank; i++)
        {
            dims[i] = t.Dims[i].ToString(CultureInfo.InvariantCulture);
        }
        return "[" + string.Join(",", dims) + "]";
    }

    /// <summary>int8 weights plus int32 bias.</summary>
    internal static long WeightBytes(OperatorInfo op) => (op.Weights?.Length ?? 0) + 4L * (op.Bias?.Length ?? 0);

    /// <summary>int32 per-channel multipliers and shifts.</summary>
    internal static long RequantBytes(OperatorInfo op) => 4L * ((op.Multiplier?.Length ?? 0) + (op.Shift?.Length ?? 0));

    private static string Geometry(OperatorInfo op)
    {
        switch (op.OpCode)
        {
            case OpCodes.Conv2D:
            case OpCodes.AveragePool:
            case OpCodes.MaxPool:
                string s = $"{op.KernelH}x{op.KernelW} /{op.StrideH}";
                if (op.StrideW != op.StrideH)
                {
                    s += $"x{op.StrideW}";
                }
                if (op.OpCode == OpCodes.Conv2D)
                {
                    s += $" g{op.Groups}";
                    if (op.DilationH > 1 || op.DilationW > 1)
                    {
                        s += $" d{op.DilationH}x{op.DilationW}";
                    }
                }
                if (op.PadTop + op.PadLeft + op.PadBottom + op.PadRight > 0)
                {
                    s += $" pad {op.PadTop},{op.PadLeft},{op.PadBottom},{op.PadRight}";
                }
                return s;
            case OpCodes.FusedBlock:
                string shape = op.Params[4] == FusedBlocks.ShapeProducerDepthwise ? " (producer → depthwise)" : "";
                return $"next {op.Params[0]} ops{shape}, row by row{(op.Params[3] > 1 ? $" ({op.Params[3]} rows per step)" : "")}; work [{op.Params[1]}, {(long)op.Params[1] + op.Params[2]})";
            default:
                return "";
        }
    }
}
