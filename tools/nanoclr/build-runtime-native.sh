#!/usr/bin/env bash
# Builds nanoFramework.Runtime.Native.pe (managed side of nanoCLR's GC.Run, used by the device lane to force a full
# garbage collection at each heap-measurement stage) from a checkout the user points to, into
# $TINYDSC_NANOCLR_HOME/lib. The package is not on NuGet's index reachable here, so it is built from source; nothing of
# it is copied into this repository.
#
#   TINYDSC_RUNTIME_NATIVE  path of a nanoFramework.Runtime.Native checkout
#                           (https://github.com/nanoframework/nanoFramework.Runtime.Native)
#   TINYDSC_NANOCLR_HOME    output folder (default: $HOME/.tinydsc-nanoclr); build-metadata-processor.sh must have run.
#
# Adaptation: a generated SDK-style project (netstandard2.0, NoStdLib, mscorlib from nanoFramework.CoreLibrary 1.17.11)
# compiles the checkout's nanoFramework.Runtime.Native/**/*.cs in place instead of its .nfproj (which needs Visual
# Studio's nanoFramework project system). nanoCLR checks the .pe's native-method checksum against its own table, so a
# mismatch shows at the first run.
set -euo pipefail

src="${TINYDSC_RUNTIME_NATIVE:?set TINYDSC_RUNTIME_NATIVE to a nanoFramework.Runtime.Native checkout}"
home="${TINYDSC_NANOCLR_HOME:-$HOME/.tinydsc-nanoclr}"
lib="$(cd "$src/nanoFramework.Runtime.Native" 2>/dev/null && pwd)" || { echo "error: $src has no nanoFramework.Runtime.Native folder" >&2; exit 1; }
pec="$home/pe-compiler/bin/pe-compiler"
[ -x "$pec" ] || { echo "error: $pec missing; run tools/nanoclr/build-metadata-processor.sh first" >&2; exit 1; }
mscorlib="${NUGET_PACKAGES:-$HOME/.nuget/packages}/nanoframework.corelibrary/1.17.11/lib/mscorlib.dll"
[ -f "$mscorlib" ] || { echo "error: $mscorlib missing; restore the repository once (dotnet restore TinyDsc.sln)" >&2; exit 1; }

out="$home/runtime-native"
mkdir -p "$out/project" "$home/lib"
cat > "$out/project/nanoFramework.Runtime.Native.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>netstandard2.0</TargetFramework>
    <AssemblyName>nanoFramework.Runtime.Native</AssemblyName>
    <NoStdLib>true</NoStdLib>
    <NoStandardLib>true</NoStandardLib>
    <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>
    <GenerateAssemblyInfo>false</GenerateAssemblyInfo>
    <GenerateTargetFrameworkAttribute>false</GenerateTargetFrameworkAttribute>
    <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
    <LangVersion>7.3</LangVersion>
    <NoWarn>\$(NoWarn);CS1591;CS0618</NoWarn>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="$lib/**/*.cs" Exclude="$lib/obj/**;$lib/bin/**" />
    <Reference Include="mscorlib"><HintPath>$mscorlib</HintPath><Private>false</Private></Reference>
  </ItemGroup>
</Project>
PROJ
echo '<Project />' > "$out/project/Directory.Build.props"
echo '<Project />' > "$out/project/Directory.Packages.props"
dotnet build "$out/project/nanoFramework.Runtime.Native.csproj" -c Release -o "$out/bin" --nologo -v q
cp "$out/bin/nanoFramework.Runtime.Native.dll" "$home/lib/"
"$pec" "$home/lib/nanoFramework.Runtime.Native.dll" "$home/lib/nanoFramework.Runtime.Native.pe" "$mscorlib"
echo "nanoFramework.Runtime.Native $(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)" > "$home/lib/VERSION.runtime-native"
echo "runtime-native: $home/lib/nanoFramework.Runtime.Native.pe"
