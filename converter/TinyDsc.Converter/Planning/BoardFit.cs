using System;
using System.Collections.Generic;
using TinyDsc.Converter.Embedding;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Planning;

/// <summary>
/// Which boards a converted model fits: an <em>estimate</em> of the managed heap the model needs on an ESP32's nanoCLR,
/// compared with the heap each board family offers.
///
/// The heap is modelled the way nanoCLR lays it out (<see cref="HeapCensus"/>, ESP32: 12-byte blocks, 20-byte array
/// headers, one block per object field, boxed struct fields), counting the very objects the runtime holds, plus the
/// fixed part the device lane measured (firmware-samples/README.md "Heap on the device"). For a model streamed in
/// chunks of <see cref="EmbeddingOptions.MaxChunkSize"/> bytes (<c>ModelReader.Load(IModelSource)</c>):
/// <list type="bullet">
/// <item>loading = boot + the loaded Model's objects + the largest chunk: ModelReader's second pass, which holds the
/// blobs and one chunk (its first pass holds the copy of header and tables but no blobs yet, which outweigh it);</item>
/// <item>running = boot + the Interpreter's objects (steps, packed parameters, blobs, arena, scratch) + the kernels'
/// stack frames + one input and the float output;</item>
/// <item>peak = the larger of the two.</item>
/// </list>
/// The device lane's <c>Heap_by_stage_and_kind</c> test compares this with nanoCLR; BoardFitTests pins it against the
/// lane's published measurements. The application's own objects are what <see cref="Reserve"/> stands for.
/// </summary>
public static class BoardFit
{
    /// <summary>Heap kept free for the application's own objects and the collector's slack: 8 KiB. Runtime objects,
    /// boot records and stack frames are in the estimate itself.</summary>
    public const int Reserve = 8 * 1024;

    /// <summary>
    /// Heap in use on an ESP32 once nanoCLR has started the application, before TinyDsc runs: assemblies' records,
    /// strings, the main thread. Measured by the device lane's HeapProbe ("boot": 9.4 KB on the 64-bit host, whose
    /// blocks are twice an ESP32's, so 4.7 KB); command in firmware-samples/README.md "Heap on the device".
    /// </summary>
    public const int BootBytes = 4_800;

    /// <summary>
    /// Stack frames live during Invoke on an ESP32 (nanoCLR keeps them on the managed heap): measured by the device
    /// lane at 3.6–4.0 KB for fashion-dscnn and mbv2-fashion (a fused block's frame under the pointwise kernel's) and
    /// 2.9–3.2 KB for mbv2-fashion without fusion, after the pointwise block's frame shrank to 83 locals (3,636 B for
    /// all three before); the lane samples them, so the figure moves between runs.
    /// </summary>
    public const int KernelStackBytes = 3_700;

    /// <summary>Board families and their managed heap after nanoCLR starts (docs/DESIGN.md: about 90–110 KB without
    /// PSRAM, about 3.7 MB with 4 MB PSRAM).</summary>
    public static IReadOnlyList<Board> Boards { get; } = new[]
    {
        new Board("ESP32 without PSRAM (e.g. WROOM-32)", "ESP32_REV0, ESP32_REV3", 90_000, 110_000),
        new Board("ESP32 with PSRAM (WROVER, ESP32-S3)", "ESP32_PSRAM_REV0, ESP32_PSRAM_REV3, ESP32_S3_QUAD, ESP32_S3_OCTAL", 3_700_000, 3_700_000),
    };

    /// <summary>Estimates the ESP32 heap <paramref name="model"/> (read from a <paramref name="fileBytes"/>-byte .tdsc) needs.</summary>
    public static HeapEstimate Estimate(Model model, int fileBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        HeapLayout l = HeapLayout.Esp32;
        long loaded = HeapCensus.Of(model).Total(l);
        long chunk = ArrayBytes(l, Math.Min(fileBytes, EmbeddingOptions.MaxChunkSize));
        var interpreter = new Interpreter(model);
        long running = HeapCensus.Of(interpreter).Total(l);
        long buffers = ArrayBytes(l, model.Tensors[model.InputTensor].ByteSize)
            + ArrayBytes(l, 4L * model.Tensors[model.OutputTensor].ByteSize);
        return new HeapEstimate(fileBytes, BootBytes, loaded, chunk, running, KernelStackBytes, buffers,
            interpreter.ArenaBytes, interpreter.PreparedBytes, interpreter.ScratchBytes);
    }

    /// <summary>A byte array of <paramref name="length"/> on the heap: header + bytes, rounded up to whole blocks.</summary>
    private static long ArrayBytes(HeapLayout l, long length) => (l.ArrayHeader + length + l.Block - 1) / l.Block * l.Block;

    /// <summary>The verdict for every board in <see cref="Boards"/>.</summary>
    public static IReadOnlyList<BoardVerdict> Evaluate(HeapEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var verdicts = new List<BoardVerdict>(Boards.Count);
        foreach (Board board in Boards)
        {
            verdicts.Add(Evaluate(estimate, board));
        }
        return verdicts;
    }

    /// <summary>
    /// Fits: peak + <see cref="Reserve"/> within the board's smallest heap. Tight: within its largest heap only (heap
    /// differs between firmware builds; measure on the board). Otherwise it does not fit.
    /// </summary>
    public static BoardVerdict Evaluate(HeapEstimate estimate, Board board)
    {
        long need = estimate.Peak + Reserve;
        Fit fit = need <= board.HeapLow ? Fit.Fits : need <= board.HeapHigh ? Fit.Tight : Fit.DoesNotFit;
        return new BoardVerdict(board, fit, board.HeapLow - need);
    }

    /// <summary>One line per board, e.g. "ESP32 without PSRAM (e.g. WROOM-32): fits, 4,104 B to spare (estimate)".</summary>
    public static string Describe(BoardVerdict v)
    {
        string what = v.Fit switch
        {
            Fit.Fits => FormattableString.Invariant($"fits, {v.Headroom:N0} B to spare"),
            Fit.Tight => FormattableString.Invariant($"tight: needs {-v.Headroom:N0} B more than the smallest heap of about {v.Board.HeapLow:N0} B; measure on the board"),
            _ => FormattableString.Invariant($"does not fit: needs about {v.Board.HeapLow - v.Headroom:N0} B, the heap is about {v.Board.HeapHigh:N0} B"),
        };
        return what + " (estimate)";
    }
}

/// <summary>A board family: name, nanoff firmware targets, and its managed heap range in bytes.</summary>
public sealed record Board(string Name, string FirmwareTargets, long HeapLow, long HeapHigh);

/// <summary>How a model fits a board.</summary>
public enum Fit
{
    /// <summary>Peak + reserve within the board's smallest heap.</summary>
    Fits,

    /// <summary>Within the board's largest heap only.</summary>
    Tight,

    /// <summary>Over the board's largest heap.</summary>
    DoesNotFit,
}

/// <summary>A model's fit on one board; <paramref name="Headroom"/> = smallest heap − (peak + reserve), negative when short.</summary>
public sealed record BoardVerdict(Board Board, Fit Fit, long Headroom);

/// <summary>The ESP32 managed-heap estimate of <see cref="BoardFit.Estimate"/>, in bytes (see there for what is
/// counted). Object sizes include nanoCLR's headers and field blocks; <see cref="Arena"/>, <see cref="Prepared"/> and
/// <see cref="Scratch"/> are the payload bytes of arrays already inside <see cref="Interpreter"/>, shown for reference.</summary>
public sealed record HeapEstimate(long FileBytes, long Boot, long LoadedModel, long LargestChunk,
    long Interpreter, long KernelStack, long CaseBuffers, long Arena, long Prepared, long Scratch)
{
    /// <summary>Boot + the loaded Model + the largest chunk (ModelReader's second pass).</summary>
    public long Loading => Boot + LoadedModel + LargestChunk;

    /// <summary>Boot + the Interpreter's objects + the kernels' stack frames + input and output buffers.</summary>
    public long Running => Boot + Interpreter + KernelStack + CaseBuffers;

    /// <summary>The larger of <see cref="Loading"/> and <see cref="Running"/>.</summary>
    public long Peak => Math.Max(Loading, Running);
}
