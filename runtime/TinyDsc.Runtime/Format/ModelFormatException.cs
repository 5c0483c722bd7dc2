using System;

namespace TinyDsc.Runtime
{
    /// <summary>A .tdsc model is malformed; the message names the field and the offending values.</summary>
    public class ModelFormatException : Exception
    {
        public ModelFormatException(string message) : base(message)
        {
        }
    }
}
