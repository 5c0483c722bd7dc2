using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using TinyDsc.Converter.Embedding;
using Xunit;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// The nanoFramework projects (.nfproj, packages.config, the samples' .sln) follow nanoFramework's conventions and
/// list the same sources that the Linux compile checks build; the compile checks' outputs fit the device limits.
/// </summary>
public class SampleProjectTests
{
    private const string NanoProjectType = "{11A8DD76-328B-46DF-9F39-F559912D0360}";
    private const string CoreLibraryHint = @"packages\nanoFramework.CoreLibrary.1.17.11\lib\mscorlib.dll";
    private static readonly XNamespace Msb = "http://schemas.microsoft.com/developer/msbuild/2003";

    public static TheoryData<string> Samples() => new() { "ImageClassifier", "SelfTest" };

    private static XDocument Project(string path) => XDocument.Load(path);

    private static string[] CompileItems(XDocument project) =>
        project.Descendants(Msb + "Compile").Select(e => (string)e.Attribute("Include")!).ToArray();

    private static string Value(XDocument project, string property) =>
        project.Descendants(Msb + property).Select(e => e.Value).Single();

    [Theory]
    [MemberData(nameof(Samples))]
    public void SampleProject_FollowsNanoFrameworkConventions(string sample)
    {
        string dir = Path.Combine(TestPaths.Samples, sample);
        XDocument project = Project(Path.Combine(dir, sample + ".nfproj"));

        Assert.StartsWith(NanoProjectType, Value(project, "ProjectTypeGuids"));
        Assert.Equal("Exe", Value(project, "OutputType"));
        Assert.Equal("v1.0", Value(project, "TargetFrameworkVersion"));
        Assert.Equal("7.3", Value(project, "LangVersion"));
        string[] imports = project.Descendants(Msb + "Import").Select(e => (string)e.Attribute("Project")!).ToArray();
        Assert.Equal(
            new[] { "NFProjectSystem.Default.props", "NFProjectSystem.props", "NFProjectSystem.CSharp.targets" },
            imports.Select(i => i.Replace("$(NanoFrameworkProjectSystemPath)", "")).ToArray());
        XElement mscorlib = project.Descendants(Msb + "Reference").Single(r => ((string)r.Attribute("Include")!).StartsWith("mscorlib,"));
        Assert.Contains("Version=1.17.11.0", (string)mscorlib.Attribute("Include")!);
        Assert.Equal(@"..\" + CoreLibraryHint, mscorlib.Element(Msb + "HintPath")!.Value);
        // The runtime and the interop assembly whose FirmwareKernels the device Program passes (native kernels on
        // firmware with the module, managed on stock firmware).
        XElement[] references = project.Descendants(Msb + "ProjectReference").ToArray();
        Assert.Equal(2, references.Length);
        XElement runtime = references[0];
        Assert.Equal(@"..\..\runtime\TinyDsc.Runtime\TinyDsc.Runtime.nfproj", (string)runtime.Attribute("Include")!);
        Assert.Equal(Value(Project(Path.Combine(TestPaths.RepoRoot, "runtime", "TinyDsc.Runtime", "TinyDsc.Runtime.nfproj")), "ProjectGuid"), runtime.Element(Msb + "Project")!.Value);
        XElement native = references[1];
        Assert.Equal(@"..\..\runtime\TinyDsc.Runtime.Native\TinyDsc.Runtime.Native.nfproj", (string)native.Attribute("Include")!);
        Assert.Equal(Value(Project(Path.Combine(TestPaths.RepoRoot, "runtime", "TinyDsc.Runtime.Native", "TinyDsc.Runtime.Native.nfproj")), "ProjectGuid"), native.Element(Msb + "Project")!.Value);
        AssertPackagesConfig(Path.Combine(dir, "packages.config"));
        Assert.True(File.Exists(Path.Combine(dir, "Properties", "AssemblyInfo.cs")));
    }

    /// <summary>Every .cs file of the sample (and the shared ones) is in the .nfproj, and every listed file exists.</summary>
    [Theory]
    [MemberData(nameof(Samples))]
    public void SampleProject_ListsExactlyTheSourcesTheCompileCheckBuilds(string sample)
    {
        string dir = Path.Combine(TestPaths.Samples, sample);
        string[] listed = CompileItems(Project(Path.Combine(dir, sample + ".nfproj")))
            .Select(i => Path.GetFullPath(Path.Combine(dir, i.Replace('\\', '/')))).OrderBy(p => p, StringComparer.Ordinal).ToArray();
        string[] onDisk = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/obj/") && !p.Contains("/bin/"))
            .Concat(Directory.EnumerateFiles(Path.Combine(TestPaths.Samples, "Shared"), "*.cs"))
            .Select(Path.GetFullPath).OrderBy(p => p, StringComparer.Ordinal).ToArray();

        Assert.Equal(onDisk, listed);
    }

    [Fact]
    public void RuntimeProject_IsANanoFrameworkLibraryOverTheRuntimeSources()
    {
        string path = Path.Combine(TestPaths.RepoRoot, "runtime", "TinyDsc.Runtime", "TinyDsc.Runtime.nfproj");
        XDocument project = Project(path);

        Assert.StartsWith(NanoProjectType, Value(project, "ProjectTypeGuids"));
        Assert.Equal("Library", Value(project, "OutputType"));
        Assert.Equal("TinyDsc.Runtime", Value(project, "AssemblyName"));
        // The project sits beside its sources (as nanoFramework class libraries do) and compiles all of them: the same
        // files as the desktop and Nano builds, plus the nanoFramework builds' AssemblyInfo.
        Assert.Equal(new[] { @"**\*.cs" }, CompileItems(project));
        string dir = Path.GetDirectoryName(path)!;
        Assert.True(File.Exists(Path.Combine(dir, "Interpreter.cs")), "the .nfproj is not beside the runtime sources");
        // The nano-only AssemblyInfo compiles against nanoFramework's mscorlib (the runtime sources are compiled by
        // runtime/TinyDsc.Runtime.Nano).
        EmittedCode.CompileForNano(File.ReadAllText(Path.Combine(dir, "Properties", "AssemblyInfo.cs")));
        XElement mscorlib = project.Descendants(Msb + "Reference").Single();
        Assert.Equal(@"$(SolutionDir)" + CoreLibraryHint, mscorlib.Element(Msb + "HintPath")!.Value);
        AssertPackagesConfig(Path.Combine(dir, "packages.config"));
    }

    [Fact]
    public void SamplesSolution_ReferencesEveryNanoFrameworkProject()
    {
        string sln = File.ReadAllText(Path.Combine(TestPaths.Samples, "TinyDsc.Samples.sln"));
        foreach (string project in new[] { @"..\runtime\TinyDsc.Runtime\TinyDsc.Runtime.nfproj", @"..\runtime\TinyDsc.Runtime.Native\TinyDsc.Runtime.Native.nfproj", @"ImageClassifier\ImageClassifier.nfproj", @"SelfTest\SelfTest.nfproj" })
        {
            Assert.Contains("Project(\"" + NanoProjectType + "\") = ", sln);
            Assert.Contains("\"" + project + "\"", sln);
            Assert.True(File.Exists(Path.Combine(TestPaths.Samples, project.Replace('\\', '/'))), project);
        }
    }

    /// <summary>The nanoFramework builds of the samples (compile checks) keep their initialiser data under the limit.</summary>
    [Theory]
    [MemberData(nameof(Samples))]
    public void CompiledSample_InitializerDataFitsTheTable(string sample)
    {
        string assembly = TestPaths.NanoSampleAssembly(sample);
        Assert.True(File.Exists(assembly), "compile check output missing (built through ProjectReference): " + assembly);

        int bytes = InitializerTable.Measure(assembly);

        Assert.InRange(bytes, 1, EmbeddingOptions.DefaultInitializerByteLimit);
    }

    private static void AssertPackagesConfig(string path)
    {
        XElement package = XDocument.Load(path).Root!.Elements("package").Single();
        Assert.Equal("nanoFramework.CoreLibrary", (string)package.Attribute("id")!);
        Assert.Equal("1.17.11", (string)package.Attribute("version")!);
        Assert.Equal("netnano1.0", (string)package.Attribute("targetFramework")!);
    }
}
