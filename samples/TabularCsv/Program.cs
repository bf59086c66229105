using System;
using System.IO;
using Spectre.Console;

namespace TabularCsv
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            TabularOptions options;
            try
            {
                options = TabularOptions.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(TabularOptions.Usage);
                return 2;
            }
            if (options == null)
            {
                Console.WriteLine(TabularOptions.Usage);
                return 0;
            }

            try
            {
                TabularCsvSample.Run(options);
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
                return 1;
            }
        }
    }
}
