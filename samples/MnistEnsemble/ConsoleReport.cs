using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace MnistEnsemble
{
    /// <summary>The tables printed after training.</summary>
    internal static class ConsoleReport
    {
        public static void PrintScores(IAnsiConsole console, EnsembleEvaluation evaluation)
        {
            var table = new Table().Title("Test set").AddColumn("model").AddColumn(new TableColumn("accuracy").RightAligned()).AddColumn(new TableColumn("log-loss").RightAligned());
            foreach (var member in evaluation.Members)
                table.AddRow(member.Name, $"{member.Accuracy:P2}", $"{member.LogLoss:F4}");
            var ensemble = evaluation.Ensemble;
            table.AddRow($"[bold]{ensemble.Name}[/]", $"[bold green]{ensemble.Accuracy:P2}[/]", $"[bold]{ensemble.LogLoss:F4}[/]");
            console.Write(table);
        }

        /// <summary>Rows are the true classes, columns the ensemble's predictions; the diagonal is what it got right.
        /// Columns are headed by the raw label so ten classes fit an 80-column terminal; rows also give the class name.</summary>
        public static void PrintConfusionMatrix(IAnsiConsole console, EnsembleEvaluation evaluation, MnistSplit data)
        {
            var matrix = evaluation.ConfusionMatrix;
            var labels = evaluation.ClassLabels;
            var table = new Table().Border(TableBorder.Minimal).Title("Confusion matrix (rows: true class, columns: predicted)").AddColumn("true");
            foreach (float label in labels)
                table.AddColumn(new TableColumn(label.ToString(CultureInfo.InvariantCulture)).RightAligned().PadLeft(0));
            table.AddColumn(new TableColumn("recall").RightAligned());
            for (int truth = 0; truth < matrix.NumberOfClasses; truth++)
            {
                string number = labels[truth].ToString(CultureInfo.InvariantCulture);
                string name = data.LabelName(labels[truth]);
                string rowName = name == number ? number : $"{number} {name}";
                var cells = Enumerable.Range(0, matrix.NumberOfClasses).Select(predicted =>
                {
                    double count = matrix.Counts[truth][predicted];
                    string text = count.ToString("0", CultureInfo.InvariantCulture);
                    return predicted == truth ? $"[green]{text}[/]" : count == 0 ? $"[grey]{text}[/]" : $"[yellow]{text}[/]";
                });
                table.AddRow(new[] { $"[bold]{Markup.Escape(rowName)}[/]" }.Concat(cells).Append($"{matrix.PerClassRecall[truth]:P1}").ToArray());
            }
            console.Write(table);
        }
    }
}
