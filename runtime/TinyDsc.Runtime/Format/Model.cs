namespace TinyDsc.Runtime.Format
{
    /// <summary>An int8 model in memory: what ModelReader loads from a .tdsc file and what the converter's writer stores.</summary>
    public sealed class Model
    {
        /// <summary>Every tensor of the model; operators and InputTensor/OutputTensor refer to them by index.</summary>
        public TensorInfo[] Tensors;
        /// <summary>Operators in execution order.</summary>
        public OperatorInfo[] Operators;
        /// <summary>Index into Tensors of the model input.</summary>
        public int InputTensor;
        /// <summary>Index into Tensors of the model output.</summary>
        public int OutputTensor;
        /// <summary>Bytes of activation memory the converter's plan needs (every TensorInfo fits in [0, ArenaSize)).</summary>
        public int ArenaSize;
    }
}
