using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyDsc.Converter.Report;
using TinyDsc.Runtime.Format;
using TinyDsc.Runtime.Tests.Interpreter;
using TinyDsc.Runtime.Tests.NanoCheck;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Runtime.Tests.Kernels;

/// <summary>
/// The report's IL estimate (CostEstimate: one rate per kernel) against the exact count (IlCounter via ModelCost) on
/// the bundled model and on the test network that uses every kernel and op. Tolerances: a formula per kernel cannot
/// follow each shape's tails and band prologues; on the bundled model's layers one operator may be off by 25 %, the
/// model as a whole by 10 %; on the test network's 4×4 and 2×2 maps, where per-row overhead dominates, by 50 %.
/// </summary>
public class CostEstimateTests
{
    private const double BundledTolerance = 0.25;
    private const double SmallMapTolerance = 0.50;
    private const double ModelTolerance = 0.10;
    private readonly ITestOutputHelper _out;

    public CostEstimateTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Estimate_follows_the_exact_count_on_the_bundled_model()
    {
        string folder = Path.Combine(NanoPaths.RepoRoot, ModelCost.BundledFolder);
        // Unfused: the rates are per kernel (a report estimates a fused model on its unfused operators).
        Model model = ModelReader.Load(ModelCost.ConvertBundled(folder, TinyDsc.Converter.Planning.FusionMode.None));
        Check(model, ModelCost.BundledInput(model, folder), "bundled", BundledTolerance, wholeModel: true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Estimate_follows_the_exact_count_on_every_kernel(int seed)
    {
        Model model = ModelBuilder.Network(seed);
        var rng = new Random(seed);
        Check(model, ConvCase.RandomActivations(rng, model.Tensors[model.InputTensor].ByteSize), $"network seed {seed}", SmallMapTolerance, wholeModel: false);
    }

    private void Check(Model model, sbyte[] input, string what, double tolerance, bool wholeModel)
    {
        List<ModelCost.Row> exact = ModelCost.Count(model, input, countReference: wholeModel);
        var interpreter = new global::TinyDsc.Runtime.Interpreter(model);
        List<OperatorCost> estimate = CostEstimate.Estimate(model, interpreter);
        var referenceModel = new global::TinyDsc.Runtime.Interpreter(model, referenceConvolutions: true);
        List<OperatorCost> referenceEstimate = CostEstimate.Estimate(model, referenceModel);
        var failures = new List<string>();
        for (int i = 0; i < exact.Count; i++)
        {
            Assert.Equal(exact[i].Macs, estimate[i].Macs);
            Compare(failures, what, tolerance, i, exact[i].Kernel, exact[i].Il, estimate[i].EstimatedIl);
            // Conv2DReference skips taps in the padding, which on 2x2 maps are most of them: checked on real sizes only.
            if (exact[i].ReferenceIl > 0 && wholeModel)
            {
                Compare(failures, what, tolerance, i, "Conv2DReference", exact[i].ReferenceIl, referenceEstimate[i].EstimatedIl);
            }
        }

        if (wholeModel)
        {
            long exactTotal = exact.Sum(r => r.Il), estimated = estimate.Sum(r => r.EstimatedIl);
            double ratio = (double)estimated / exactTotal;
            _out.WriteLine($"{what}: whole model estimated {estimated} IL, exact {exactTotal} ({ratio:F3})");
            if (Math.Abs(ratio - 1) > ModelTolerance)
            {
                failures.Add($"{what}: whole model estimated {estimated} IL, exact {exactTotal}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private void Compare(List<string> failures, string what, double tolerance, int op, string kernel, long exact, long estimated)
    {
        if (exact < 100)
        {
            // Reshape: one native copy; nothing to scale.
            return;
        }

        double ratio = (double)estimated / exact;
        _out.WriteLine($"{what} op {op} {kernel}: estimated {estimated}, exact {exact} ({ratio:F3})");
        if (Math.Abs(ratio - 1) > tolerance)
        {
            failures.Add($"{what} op {op} {kernel}: estimated {estimated} IL, exact {exact} ({ratio:F2}x)");
        }
    }
}
