using System;
using System.IO;
using Spectre.Console;

namespace TextClassification
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            TextOptions options;
            try
            {
                options = TextOptions.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(TextOptions.Usage);
                return 2;
            }
            if (options == null)
            {
                Console.WriteLine(TextOptions.Usage);
                return 0;
            }

            try
            {
                TextClassificationSample.Run(options);
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
            {
                // Data problems are the user's to fix: say what is wrong without a stack trace.
                AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
                return 1;
            }
        }
    }
}
