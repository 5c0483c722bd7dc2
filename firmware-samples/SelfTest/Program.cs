using System;
using System.Threading;

namespace TinyDsc.Samples.SelfTest
{
    public class Program
    {
        public static void Main()
        {
            ILog log = new ConsoleLog();
            try
            {
                SelfTestApp.Run(log);
            }
            catch (Exception e)
            {
                log.WriteLine(SelfTestRunner.SummaryPrefix + "FAIL, " + e.GetType().Name + ": " + e.Message);
            }

            Thread.Sleep(Timeout.Infinite);
        }
    }
}
