using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace TextClassification
{
    /// <summary>The tables printed after training.</summary>
    internal static class ConsoleReport
    {
        public static void PrintScores(IAnsiConsole console, TextEvaluation evaluation)
        {
            var table = new Table().Title("Test documents")
                .AddColumn("model")
                .AddColumn(new TableColumn("accuracy").RightAligned())
                .AddColumn(new TableColumn("macro acc.").RightAligned())
                .AddColumn(new TableColumn("log-loss").RightAligned());
            foreach (var member in evaluation.Members)
                table.AddRow(Markup.Escape(member.Name), $"{member.Accuracy:P2}", $"{member.MacroAccuracy:P2}", $"{member.LogLoss:F4}");
            var e = evaluation.Ensemble;
            table.AddRow($"[bold]{e.Name}[/]", $"[bold green]{e.Accuracy:P2}[/]", $"[bold]{e.MacroAccuracy:P2}[/]", $"[bold]{e.LogLoss:F4}[/]");
            table.AddRow("[grey]largest class (baseline)[/]", $"[grey]{evaluation.MajorityClassAccuracy:P2}[/]", "", "");
            console.Write(table);
        }

        /// <summary>Rows are the true classes, columns the ensemble's predictions; the diagonal is what it got right.</summary>
        public static void PrintConfusionMatrix(IAnsiConsole console, TextEvaluation evaluation)
        {
            var matrix = evaluation.ConfusionMatrix;
            if (matrix.NumberOfClasses > 12)
                return; // too wide for a terminal; the scores above say enough
            var table = new Table().Border(TableBorder.Minimal).Title("Confusion matrix (rows: true class, columns: predicted)").AddColumn("true");
            foreach (var name in evaluation.ClassNames)
                table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
            table.AddColumn(new TableColumn("recall").RightAligned());
            for (int truth = 0; truth < matrix.NumberOfClasses; truth++)
            {
                var cells = Enumerable.Range(0, matrix.NumberOfClasses).Select(predicted =>
                {
                    string text = matrix.Counts[truth][predicted].ToString("0", CultureInfo.InvariantCulture);
                    return predicted == truth ? $"[green]{text}[/]" : matrix.Counts[truth][predicted] == 0 ? $"[grey]{text}[/]" : $"[yellow]{text}[/]";
                });
                table.AddRow(new[] { $"[bold]{Markup.Escape(evaluation.ClassNames[truth])}[/]" }.Concat(cells).Append($"{matrix.PerClassRecall[truth]:P1}").ToArray());
            }
            console.Write(table);
        }

        /// <summary>Test documents as the model reloaded from its zip classified them.</summary>
        public static void PrintPreviews(IAnsiConsole console, DocumentPrediction[] previews)
        {
            var table = new Table().Title("Test documents, classified by the model reloaded from its zip")
                .AddColumn("document").AddColumn("true").AddColumn("predicted").AddColumn(new TableColumn("confidence").RightAligned());
            foreach (var p in previews)
            {
                string text = p.Document.Text.Length > 70 ? p.Document.Text.Substring(0, 69) + "…" : p.Document.Text;
                string predicted = Markup.Escape(p.PredictedLabel);
                table.AddRow(Markup.Escape(text), Markup.Escape(p.Document.Label), p.IsCorrect ? $"[green]{predicted}[/]" : $"[red]{predicted}[/]", $"{p.Confidence:P0}");
            }
            console.Write(table);
        }
    }
}
