using System;
using System.Collections.Generic;
using TinyDsc.Converter.Embedding;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Planning;

/// <summary>
/// Which boards a converted model fits: an <em>estimate</em> of the managed heap the model needs on nanoCLR, compared
/// with the heap each board family offers.
///
/// The heap need is counted as firmware-samples/README.md's RAM table counts it (the RamBudget test), for a model
/// streamed in chunks of <see cref="EmbeddingOptions.MaxChunkSize"/> bytes (<c>ModelReader.Load(IModelSource)</c>):
/// <list type="bullet">
/// <item>loading = loaded blobs + the largest chunk + the reader's copy of header and tables;</item>
/// <item>running = loaded blobs + arena + prepared (folded biases) + scratch + one input and the float output;</item>
/// <item>peak = the larger of the two.</item>
/// </list>
/// Object headers, strings, metadata and the application's own objects are not in the count: they are what
/// <see cref="Reserve"/> stands for. This class is the one place that estimate lives; a heap model measured on
/// nanoCLR replaces <see cref="Estimate"/> without changing its callers.
/// </summary>
public static class BoardFit
{
    /// <summary>Heap kept free for what the estimate does not count (object headers, the app, strings): 16 KiB.</summary>
    public const int Reserve = 16 * 1024;

    /// <summary>Board families and their managed heap after nanoCLR starts (docs/DESIGN.md: about 90–110 KB without
    /// PSRAM, about 3.7 MB with 4 MB PSRAM).</summary>
    public static IReadOnlyList<Board> Boards { get; } = new[]
    {
        new Board("ESP32 without PSRAM (e.g. WROOM-32)", "ESP32_REV0, ESP32_REV3", 90_000, 110_000),
        new Board("ESP32 with PSRAM (WROVER, ESP32-S3)", "ESP32_PSRAM_REV0, ESP32_PSRAM_REV3, ESP32_S3_QUAD, ESP32_S3_OCTAL", 3_700_000, 3_700_000),
    };

    /// <summary>Estimates the heap <paramref name="model"/> (read from a <paramref name="fileBytes"/>-byte .tdsc) needs.</summary>
    public static HeapEstimate Estimate(Model model, int fileBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        long blobs = 0;
        foreach (OperatorInfo op in model.Operators)
        {
            blobs += (op.Weights?.Length ?? 0) + 4L * ((op.Bias?.Length ?? 0) + (op.Multiplier?.Length ?? 0) + (op.Shift?.Length ?? 0));
        }
        long tables = FormatLayout.HeaderSize + (long)FormatLayout.TensorRecordSize * model.Tensors.Length
            + (long)FormatLayout.OperatorRecordSize * model.Operators.Length;
        long chunk = Math.Min(fileBytes, EmbeddingOptions.MaxChunkSize);
        var interpreter = new Interpreter(model);
        long input = model.Tensors[model.InputTensor].ByteSize;
        long output = 4L * model.Tensors[model.OutputTensor].ByteSize;
        return new HeapEstimate(fileBytes, blobs, chunk, tables, interpreter.ArenaBytes, interpreter.PreparedBytes,
            interpreter.ScratchBytes, input + output);
    }

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

/// <summary>The managed-heap estimate of <see cref="BoardFit.Estimate"/>, in bytes (see there for what is counted).</summary>
public sealed record HeapEstimate(long FileBytes, long LoadedBlobs, long LargestChunk, long TablesCopy, long Arena,
    long Prepared, long Scratch, long CaseBuffers)
{
    /// <summary>Loaded blobs + the largest chunk + the reader's copy of header and tables.</summary>
    public long Loading => LoadedBlobs + LargestChunk + TablesCopy;

    /// <summary>Loaded blobs + arena + prepared + scratch + input and output buffers.</summary>
    public long Running => LoadedBlobs + Arena + Prepared + Scratch + CaseBuffers;

    /// <summary>The larger of <see cref="Loading"/> and <see cref="Running"/>.</summary>
    public long Peak => Math.Max(Loading, Running);
}
