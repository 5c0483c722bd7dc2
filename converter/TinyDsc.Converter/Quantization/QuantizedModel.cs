using System.Collections.Generic;
using TinyDsc.Runtime.Format;

namespace TinyDsc.Converter.Quantization;

/// <summary>An int8 model and the float-graph names of its tensors and operators (names are not stored in .tdsc).</summary>
public sealed class QuantizedModel
{
    public QuantizedModel(Model model, IReadOnlyList<string> tensorNames, IReadOnlyList<string> operatorNames)
    {
        Model = model;
        TensorNames = tensorNames;
        OperatorNames = operatorNames;
    }

    public Model Model { get; }

    /// <summary>Float-graph value name of each tensor, by tensor index.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Float-graph node name of each operator, by operator index.</summary>
    public IReadOnlyList<string> OperatorNames { get; }
}
