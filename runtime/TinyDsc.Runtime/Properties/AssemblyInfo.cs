using System.Reflection;

// Assembly attributes of the nanoFramework builds (TinyDsc.Runtime.nfproj beside this folder's sources, and
// ../TinyDsc.Runtime.Nano). The desktop build (TinyDsc.Runtime.csproj) leaves this file out and generates its own.
[assembly: AssemblyTitle("TinyDsc.Runtime")]
[assembly: AssemblyDescription("Int8 inference runtime for depthwise-separable CNNs on .NET nanoFramework")]
[assembly: AssemblyProduct("TinyDsc")]
// AssemblyVersion and AssemblyFileVersion come from version.json (Directory.Build.targets writes them to obj/).
