using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace TinyDsc.Firmware.Tests;

/// <summary>
/// nanoFramework packaging: one version (version.json) in every runtime assembly, XML docs, the NuGet package's
/// layout (everything under lib/, as nanoFramework class libraries ship), and the samples' switch to the package.
/// </summary>
public class PackageTests
{
    private readonly ITestOutputHelper output;

    public PackageTests(ITestOutputHelper output) => this.output = output;

    private static string VersionJson()
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "version.json"));
        Match m = Regex.Match(text, "\"version\"\\s*:\\s*\"([0-9]+\\.[0-9]+\\.[0-9]+)\"");
        Assert.True(m.Success, "version.json has no \"version\": \"major.minor.patch\"");
        return m.Groups[1].Value;
    }

    private static Version AssemblyVersionOf(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.GetMetadataReader().GetAssemblyDefinition().Version;
    }

    [Fact]
    public void Every_runtime_assembly_takes_its_version_from_version_json()
    {
        var expected = Version.Parse(VersionJson() + ".0");
        Assert.Equal(expected, typeof(TinyDsc.Runtime.Interpreter).Assembly.GetName().Version);
        Assert.Equal(expected, AssemblyVersionOf(TestPaths.NanoRuntimeAssembly));

        // The nanoFramework project's hand-written AssemblyInfo must not carry a version of its own.
        string info = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "runtime", "TinyDsc.Runtime", "Properties", "AssemblyInfo.cs"));
        Assert.DoesNotContain("AssemblyVersion(", info);
        Assert.DoesNotContain("AssemblyFileVersion(", info);
        XDocument nfproj = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "runtime", "TinyDsc.Runtime", "TinyDsc.Runtime.nfproj"));
        Assert.Contains(nfproj.Descendants(), e => e.Name.LocalName == "TinyDscVersionInfo" && e.Value == "true");
    }

    [Fact]
    public void Runtime_builds_xml_documentation()
    {
        string xml = Path.ChangeExtension(TestPaths.NanoRuntimeAssembly, ".xml");
        Assert.True(File.Exists(xml), "no XML documentation beside " + TestPaths.NanoRuntimeAssembly);
        XDocument doc = XDocument.Load(xml);
        Assert.Contains(doc.Descendants("member"), m => (string)m.Attribute("name") == "T:TinyDsc.Runtime.Interpreter");
        Assert.Contains(doc.Descendants("member"), m => (string)m.Attribute("name") == "F:TinyDsc.Runtime.Kernels.ConvParams.InputH");
    }

    [Fact]
    public void Runtime_packs_with_the_nanoFramework_layout()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tinydsc-pack-" + Environment.ProcessId + "-" + Environment.TickCount64);
        try
        {
            string project = Path.Combine(TestPaths.RepoRoot, "runtime", "TinyDsc.Runtime.Nano", "TinyDsc.Runtime.Nano.csproj");
            string log = Dotnet("pack", project, "-c", TestPaths.Configuration, "--no-build", "--nologo", "-o", dir);
            string version = VersionJson();
            string package = Path.Combine(dir, $"TinyDsc.Runtime.{version}.nupkg");
            Assert.True(File.Exists(package), "dotnet pack wrote no " + package + ":\n" + log);

            using ZipArchive zip = ZipFile.OpenRead(package);
            string[] lib = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            bool peBuilt = log.Contains("no .pe compiler", StringComparison.Ordinal) == false;
            string[] expected = peBuilt
                ? new[] { "lib/TinyDsc.Runtime.dll", "lib/TinyDsc.Runtime.pdbx", "lib/TinyDsc.Runtime.pe", "lib/TinyDsc.Runtime.xml" }
                : new[] { "lib/TinyDsc.Runtime.dll", "lib/TinyDsc.Runtime.xml" };
            Assert.Equal(expected, lib);
            if (!peBuilt)
            {
                output.WriteLine("no .pe compiler on this machine (tools/nanoclr/build-metadata-processor.sh): the package was checked without lib/TinyDsc.Runtime.pe and .pdbx");
            }

            XDocument nuspec;
            using (Stream s = zip.Entries.Single(e => e.FullName == "TinyDsc.Runtime.nuspec").Open())
            {
                nuspec = XDocument.Load(s);
            }

            XNamespace ns = nuspec.Root!.Name.Namespace;
            XElement meta = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("TinyDsc.Runtime", meta.Element(ns + "id")!.Value);
            Assert.Equal(version, meta.Element(ns + "version")!.Value);
            XElement dependency = Assert.Single(meta.Descendants(ns + "dependency"));
            Assert.Equal("nanoFramework.CoreLibrary", (string)dependency.Attribute("id"));
            Assert.Equal("[1.17.11]", (string)dependency.Attribute("version"));

            // The packaged .dll is the nanoFramework build (references nanoFramework's mscorlib), at the one version.
            string extracted = Path.Combine(dir, "TinyDsc.Runtime.dll");
            zip.GetEntry("lib/TinyDsc.Runtime.dll")!.ExtractToFile(extracted);
            Assert.Equal(Version.Parse(version + ".0"), AssemblyVersionOf(extracted));
            using var pe = new PEReader(File.OpenRead(extracted));
            MetadataReader md = pe.GetMetadataReader();
            AssemblyReference mscorlib = md.AssemblyReferences.Select(md.GetAssemblyReference).Single();
            Assert.Equal("mscorlib", md.GetString(mscorlib.Name));
            Assert.Equal(new Version(1, 17, 11, 0), mscorlib.Version);

            if (peBuilt)
            {
                // The .pdbx maps the .dll's metadata tokens to the .pe's: it names the packaged .dll at the one version,
                // and every method it lists is a method definition of that .dll.
                XDocument pdbx;
                using (Stream s = zip.GetEntry("lib/TinyDsc.Runtime.pdbx")!.Open())
                {
                    pdbx = XDocument.Load(s);
                }

                XElement assembly = pdbx.Root!.Element("Assembly")!;
                Assert.Equal("TinyDsc.Runtime.dll", assembly.Element("FileName")!.Value);
                XElement v = assembly.Element("Version")!;
                Assert.Equal(Version.Parse(version + ".0"), new Version(
                    int.Parse(v.Element("Major")!.Value), int.Parse(v.Element("Minor")!.Value),
                    int.Parse(v.Element("Build")!.Value), int.Parse(v.Element("Revision")!.Value)));
                int[] methodRows = pdbx.Descendants("Method")
                    .Select(m => Convert.ToInt32(m.Element("Token")!.Element("CLR")!.Value, 16))
                    .ToArray();
                Assert.NotEmpty(methodRows);
                Assert.All(methodRows, token =>
                {
                    Assert.Equal(0x06, token >> 24);
                    Assert.InRange(token & 0xFFFFFF, 1, md.MethodDefinitions.Count);
                });
                Assert.Equal(methodRows.Length, methodRows.Distinct().Count());

                // NanoCheck's bytecode budget models what MetadataProcessor writes; the .pe's own bytecode table is the
                // reference. Header (CLR_RECORD_ASSEMBLY): 16 table offsets (uint32) at byte 40, then the count of
                // patched methods, then 16 padding bytes; the bytecode table is table 13.
                string peFile = Path.Combine(dir, "TinyDsc.Runtime.pe");
                zip.GetEntry("lib/TinyDsc.Runtime.pe")!.ExtractToFile(peFile);
                byte[] image = File.ReadAllBytes(peFile);
                Assert.Equal("NFMRK1", System.Text.Encoding.ASCII.GetString(image, 0, 6));
                const int Tables = 40, ByteCode = 13;
                uint start = BitConverter.ToUInt32(image, Tables + 4 * ByteCode), end = BitConverter.ToUInt32(image, Tables + 4 * (ByteCode + 1));
                int padding = image[Tables + 16 * 4 + 4 + ByteCode];
                long modelled = TinyDsc.NanoCheck.NanoChecker.NanoBytecodeBytes(extracted);
                output.WriteLine($".pe bytecode table: {end - start - padding} bytes; NanoCheck's model: {modelled}");
                Assert.Equal(end - start - padding, modelled);
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Theory]
    [InlineData("ImageClassifier")]
    [InlineData("SelfTest")]
    public void Sample_switches_between_the_project_and_the_package(string app)
    {
        XDocument project = XDocument.Load(Path.Combine(TestPaths.Samples, app, app + ".nfproj"));
        XElement[] groups = project.Root!.Elements().Where(e => e.Name.LocalName == "ItemGroup").ToArray();
        XElement fromProject = Assert.Single(groups, g => (string)g.Attribute("Condition") == "'$(TinyDscRuntimeFromPackage)' != 'true'");
        Assert.Contains(fromProject.Elements(), e => e.Name.LocalName == "ProjectReference" && ((string)e.Attribute("Include"))!.EndsWith("TinyDsc.Runtime.nfproj", StringComparison.Ordinal));
        XElement fromPackage = Assert.Single(groups, g => (string)g.Attribute("Condition") == "'$(TinyDscRuntimeFromPackage)' == 'true'");
        XElement reference = Assert.Single(fromPackage.Elements(), e => e.Name.LocalName == "Reference");
        Assert.Equal("TinyDsc.Runtime", (string)reference.Attribute("Include"));
        // packages.config restores into firmware-samples/packages/<id>.<version>/; the package puts the assembly in lib/.
        Assert.Equal(@"..\packages\TinyDsc.Runtime.$(TinyDscVersion)\lib\TinyDsc.Runtime.dll", reference.Elements().Single(e => e.Name.LocalName == "HintPath").Value);
    }

    private static string Dotnet(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string all = stdout + stderr.Result;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{all}");
        return all;
    }
}
