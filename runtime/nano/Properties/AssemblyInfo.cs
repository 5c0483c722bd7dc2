using System.Reflection;

// Assembly attributes of the nanoFramework build (TinyDsc.Runtime.nfproj). The desktop build generates its own.
[assembly: AssemblyTitle("TinyDsc.Runtime")]
[assembly: AssemblyDescription("Int8 inference runtime for depthwise-separable CNNs on .NET nanoFramework")]
[assembly: AssemblyProduct("TinyDsc")]
// AssemblyVersion and AssemblyFileVersion come from version.json (Directory.Build.targets writes them to obj/).
