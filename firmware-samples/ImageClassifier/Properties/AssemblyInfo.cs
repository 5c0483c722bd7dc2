using System.Reflection;

[assembly: AssemblyTitle("TinyDsc.Samples.ImageClassifier")]
[assembly: AssemblyDescription("Classifies embedded images with a TinyDsc int8 model")]
[assembly: AssemblyProduct("TinyDsc")]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
