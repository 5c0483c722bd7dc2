using System.Linq;
using TinyDsc.Runtime;
using TinyDsc.Runtime.Format;
using TinyDsc.Samples.ImageClassifier;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Firmware.Tests;

/// <summary>The ImageClassifier sample's logic, run on the desktop against its embedded bytes (EmbeddedModel.g.cs).</summary>
public class ImageClassifierSampleTests
{
    private readonly ITestOutputHelper output;

    public ImageClassifierSampleTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public void PrintsTheDesktopRuntimesClassAndTheLabel_ForEveryImage()
    {
        string[] names = EmbeddedModel.ClassNames();
        Model model = ModelReader.Load(EmbeddedModel.ModelSource());
        TensorInfo outputTensor = model.Tensors[model.OutputTensor];
        var interpreter = new Interpreter(model);
        var result = new sbyte[interpreter.OutputLength];
        var log = new ListLog();

        int correct = ClassifierApp.Run(log);
        output.WriteLine(log.ToString());

        string[] imageLines = log.Lines.Where(l => l.StartsWith(ClassifierApp.ImagePrefix)).ToArray();
        Assert.Equal(EmbeddedModel.InputCount, imageLines.Length);
        int expectedCorrect = 0;
        for (int i = 0; i < EmbeddedModel.InputCount; i++)
        {
            // Expected class: argmax of the desktop runtime's int8 output (lowest index on ties).
            interpreter.SetInput(EmbeddedModel.Input(i), 0);
            interpreter.Invoke();
            interpreter.GetOutput(result, 0);
            int best = 0;
            for (int k = 1; k < result.Length; k++)
            {
                if (result[k] > result[best])
                {
                    best = k;
                }
            }

            float score = outputTensor.Scale * (result[best] - outputTensor.ZeroPoint);
            string expected = ClassifierApp.ImagePrefix + i + ": " + names[best] + ", score " + TinyDsc.Samples.Text.Fixed2(score)
                + ", label " + names[EmbeddedModel.Label(i)] + ", ";
            Assert.StartsWith(expected, imageLines[i]);
            Assert.Matches(@", \d+\.\d ms$", imageLines[i]);
            if (best == EmbeddedModel.Label(i))
            {
                expectedCorrect++;
            }
        }

        Assert.Equal(expectedCorrect, correct);

        // firmware-samples/README.md shows this output (times as <t>).
        string readme = System.IO.File.ReadAllText(System.IO.Path.Combine(TestPaths.Samples, "README.md"));
        foreach (string line in log.Lines)
        {
            string shown = System.Text.RegularExpressions.Regex.Replace(line, @"\d+\.\d ms", "<t> ms");
            Assert.True(readme.Contains(shown + "\n", System.StringComparison.Ordinal), "firmware-samples/README.md lacks the line: " + shown);
        }
        Assert.StartsWith("correct " + expectedCorrect + " of " + EmbeddedModel.InputCount + ", ", log.Lines.Last());
    }

    [Fact]
    public void ClassNamesNotMatchingTheModel_AreRejected()
    {
        var e = Assert.Throws<System.ArgumentException>(() => new Classifier(ClassifierApp.LoadModel(), new[] { "a", "b" }));
        Assert.Contains("2 class names", e.Message);
    }
}
