using System;
using System.Threading;

namespace TinyDsc.Samples.ImageClassifier
{
    public class Program
    {
        public static void Main()
        {
            ILog log = new ConsoleLog();
            try
            {
                ClassifierApp.Run(log);
            }
            catch (Exception e)
            {
                log.WriteLine("ImageClassifier stopped: " + e.GetType().Name + ": " + e.Message);
            }

            Thread.Sleep(Timeout.Infinite);
        }
    }
}
