using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Stacking for every task (scikit-learn's StackingClassifier / StackingRegressor with cv=k): each member is trained k
    /// times, each time without one fold, and predicts that held-out fold, so every training row gets predictions from
    /// members that never saw it; the meta-model learns from those out-of-fold predictions how to combine the members; the
    /// members are then refitted on all the data. The per-task trainers only add their column contract around it.
    /// </summary>
    internal sealed class StackingFit
    {
        internal const string Name = "StackingEnsemble";

        private readonly IHost _host;
        private readonly MlpTask _task;
        private readonly IEstimator<ITransformer>[] _members;
        private readonly IEstimator<ITransformer> _metaTrainer;
        private readonly int _numberOfFolds;
        private readonly int? _seed;

        /// <exception cref="ArgumentException">Fewer than 2 members, a null member, fewer than 2 folds, or a member or meta
        /// trainer of another task; each message names the argument, its value and the fix.</exception>
        public StackingFit(IHost host, MlpTask task, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, int? seed)
        {
            _host = host;
            _task = task;
            _members = members?.ToArray() ?? throw new ArgumentNullException(nameof(members), $"{Name}: members is null; pass two or more trainers, e.g. {task.ExampleTrainer}.");
            if (_members.Length < 2)
                throw new ArgumentOutOfRangeException(nameof(members), _members.Length,
                    $"{Name}: members holds {_members.Length} trainer(s), but stacking needs at least 2: its meta-model learns how to combine them. "
                    + $"Pass two or more trainers (e.g. {task.ExampleTrainer} and an Mlp); to use one model, train it alone.");
            for (int i = 0; i < _members.Length; i++)
            {
                if (_members[i] == null)
                    throw new ArgumentException($"{Name}: members[{i}] is null; pass a trainer there or remove it.", nameof(members));
                task.CheckTrainer(_members[i], $"{Name}: member {i}", nameof(members), "stacking ensemble",
                    "; put shared transforms (normalizers, MapValueToKey) before the ensemble.");
            }
            if (numberOfFolds < 2)
                throw new ArgumentOutOfRangeException(nameof(numberOfFolds), numberOfFolds,
                    $"{Name}: numberOfFolds is {numberOfFolds}, but it must be at least 2: each member is trained on k − 1 folds and predicts the held-out one, "
                    + "so that the meta-model learns from predictions on rows the member never saw. Use the default 5 (scikit-learn's), or 3 for small data.");
            _metaTrainer = metaTrainer ?? throw new ArgumentNullException(nameof(metaTrainer));
            task.CheckTrainer(metaTrainer, $"{Name}: metaTrainer", nameof(metaTrainer), "stacking ensemble", ", or null for the default meta-model.");
            _numberOfFolds = numberOfFolds;
            _seed = seed;
        }

        /// <summary>Out-of-fold predictions → meta-model → members refitted on all rows.</summary>
        public StackingModel Train(TrainContext context)
        {
            var data = context.TrainingSet;
            using var channel = _host.Start(Name);
            if (context.ValidationSet != null)
                channel.Warning("{0}: validation data is not used; members and meta-model train on the training data (the folds hold rows out).", Name);
            string label = data.Schema.Label.Value.Name, features = data.Schema.Feature.Value.Name;
            int featureCount = data.Schema.Feature.Value.Type.GetVectorSize();
            int width = _task.MemberWidth(_task.CheckLabel(Name, label, data.Schema.Label.Value.Type));
            int seed = _seed ?? _host.Rand.Next();
            var folds = FoldAssignment.Assign(data.Data, _task, label, _numberOfFolds, seed, channel);
            var predictions = OutOfFoldPredictions(data.Data, label, features, featureCount, width, folds, channel);

            var metaData = new MetaFeatureDataView(data.Data, label, features, predictions, _members.Length * width);
            var meta = EnsembleMember.FitTimed(_host, channel, _task, _metaTrainer, $"{Name}: the meta-model (metaTrainer)", metaData, label, features, null);
            if (meta.FeatureCount != _members.Length * width || meta.Width != width)
            {
                meta.Dispose();
                throw new InvalidOperationException(
                    $"{Name}: the meta-model maps {meta.FeatureCount} values to {meta.Width}, but it must map the members' {_members.Length * width} outputs to {width}. "
                    + $"Give metaTrainer the ensemble's label '{label}' and feature column '{features}'.");
            }
            var members = new EnsembleMember[_members.Length];
            try
            {
                var all = Enumerable.Repeat(true, folds.Length).ToArray();
                for (int i = 0; i < members.Length; i++)
                    members[i] = FitMember(i, data.Data, all, label, features, featureCount, width, channel, "all rows");
            }
            catch
            {
                meta.Dispose();
                foreach (var member in members)
                    member?.Dispose();
                throw;
            }
            return new StackingModel(_task, members, meta, _numberOfFolds);
        }

        /// <summary>Row-major matrix: row r holds every member's output (member 0 first) from the fit that held r out.</summary>
        private float[] OutOfFoldPredictions(IDataView data, string label, string features, int featureCount, int width, int[] folds, IChannel channel)
        {
            int stride = _members.Length * width;
            var predictions = new float[checked(folds.Length * stride)];
            for (int k = 0; k < _numberOfFolds; k++)
            {
                var keep = folds.Select(f => f != k).ToArray();
                var fitted = new EnsembleMember[_members.Length];
                try
                {
                    for (int i = 0; i < fitted.Length; i++)
                        fitted[i] = FitMember(i, data, keep, label, features, featureCount, width, channel, $"fold {k + 1} of {_numberOfFolds}");
                    var scorers = fitted.Select(m => m.CreateScorer()).ToArray();
                    using var cursor = data.GetRowCursor(data.Schema[features]);
                    var getter = cursor.GetGetter<VBuffer<float>>(data.Schema[features]);
                    VBuffer<float> row = default;
                    int r = 0;
                    for (; cursor.MoveNext(); r++)
                    {
                        if (r >= folds.Length)
                            throw SourceRowCursor.RowCountChanged(folds.Length, "more");
                        if (folds[r] != k)
                            continue;
                        getter(ref row);
                        for (int i = 0; i < scorers.Length; i++)
                            scorers[i](in row, predictions.AsSpan(r * stride + i * width, width));
                    }
                    // A row missing here would keep predictions of 0 for the meta-model to learn from.
                    if (r != folds.Length)
                        throw SourceRowCursor.RowCountChanged(folds.Length, $"{r}");
                }
                finally
                {
                    foreach (var member in fitted)
                        member?.Dispose();
                }
            }
            return predictions;
        }

        private EnsembleMember FitMember(int index, IDataView data, bool[] keep, string label, string features, int featureCount, int width,
            IChannel channel, string rows)
        {
            var member = EnsembleMember.FitTimed(_host, channel, _task, _members[index], $"{Name}: member {index} ({rows})",
                new RowSubsetDataView(data, keep), label, features, null);
            if (member.FeatureCount != featureCount || member.Width != width)
            {
                member.Dispose();
                throw new InvalidOperationException(
                    $"{Name}: member {index} ({_members[index].GetType().Name}) maps {member.FeatureCount} features to {member.Width} output(s), but the ensemble "
                    + $"needs {featureCount} features to {width}. Train every member on the ensemble's label '{label}' and features '{features}'.");
            }
            return member;
        }
    }
}
