using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// One way to produce the trained members of an ensemble. An ensemble trainer holds one source and knows nothing of how
    /// its members come about: <see cref="FusedMlpCopies"/> trains N copies of one MLP recipe as one fused network,
    /// <see cref="TrainerMembers"/> fits any ML.NET trainers side by side.
    /// </summary>
    internal abstract class MemberSource
    {
        /// <summary>Number of members the source produces (what the weights are counted against).</summary>
        public abstract int Count { get; }

        /// <summary>Trains every member on <paramref name="data"/> (and <paramref name="validation"/> where the source can use it).</summary>
        /// <param name="host">The ensemble trainer's host (log, cancellation).</param>
        /// <param name="task">The ensemble's task: every member is checked to serve it.</param>
        /// <param name="ensembleName">The ensemble as messages name it.</param>
        /// <param name="data">Training data, role-mapped with the ensemble's label and feature columns.</param>
        /// <param name="validation">Validation data, or null.</param>
        public abstract EnsembleMember[] Train(IHost host, MlpTask task, string ensembleName, RoleMappedData data, RoleMappedData validation);

        /// <summary>Checks a member count given by the user.</summary>
        public static int CheckNumberOfModels(int numberOfModels) => numberOfModels >= 1 ? numberOfModels
            : throw new ArgumentOutOfRangeException(nameof(numberOfModels), numberOfModels, "numberOfModels must be at least 1 (the reference recipe soft-votes 5).");

        /// <summary>Checks a column name given to a heterogeneous ensemble.</summary>
        public static string CheckColumn(string name, string parameter, string what, string example) =>
            string.IsNullOrEmpty(name)
                ? throw new ArgumentOutOfRangeException(parameter, name, $"{parameter} must name the members' {what} column, e.g. \"{example}\".")
                : name;
    }

    /// <summary>
    /// N copies of one MLP recipe, trained together as one fused network (each with its own seed, initialisation, shuffling —
    /// unless <see cref="MlpOptionsBase.SharedBatchOrder"/>, then all read the first copy's —,
    /// dropout, batch-norm statistics and early stopping): as fast as one wide network. Member i's seed is the base seed
    /// (the options' <see cref="MlpOptionsBase.Seed"/>, else the MLContext's) plus i × 1,000,003, so members differ and the
    /// ensemble is reproducible. The task's Mlp trainer trains the fused network and makes each member's model.
    /// </summary>
    internal sealed class FusedMlpCopies : MemberSource
    {
        private readonly int _count;
        private readonly IFusedMemberTrainer _trainer;

        public FusedMlpCopies(int numberOfModels, IFusedMemberTrainer trainer)
        {
            _count = CheckNumberOfModels(numberOfModels);
            _trainer = trainer;
        }

        public override int Count => _count;

        public override EnsembleMember[] Train(IHost host, MlpTask task, string ensembleName, RoleMappedData data, RoleMappedData validation)
        {
            int baseSeed = _trainer.Seed ?? host.Rand.Next();
            var seeds = Enumerable.Range(0, _count).Select(i => unchecked(baseSeed + i * MlpFit.MemberSeedStride)).ToArray();
            var trained = _trainer.TrainMembers(host, data, seeds, validation);
            using var channel = host.Start("Members");
            var members = new EnsembleMember[_count];
            for (int i = 0; i < members.Length; i++)
            {
                var last = trained[i].History[^1];
                channel.Info("{0}: member {1} (seed {2}): {3} epochs, final loss {4:F4}{5}{6}.", ensembleName, i, seeds[i], trained[i].History.Max(h => h.Epoch),
                    last.TrainingLoss, task.HasClasses ? $", training accuracy {last.TrainingAccuracy:P2}" : "",
                    last.ValidationLoss is double vl ? $", validation loss {vl:F4}" : "");
                members[i] = EnsembleMember.FromModel(task, trained[i].Model, $"{ensembleName}: member {i}");
            }
            return members;
        }
    }

    /// <summary>
    /// Any ML.NET trainers of the ensemble's task side by side (scikit-learn's VotingClassifier / VotingRegressor). Each is fitted
    /// on only the ensemble's label and feature columns (<see cref="EnsembleMember.Fit"/>), so a member configured for other
    /// columns fails with a message naming them. Members train as configured: validation data is not passed to them.
    /// </summary>
    internal sealed class TrainerMembers : MemberSource
    {
        private readonly IEstimator<ITransformer>[] _estimators;
        private readonly Action<int, EnsembleMember, RoleMappedData> _check;

        /// <param name="task">The ensemble's task: every member must be one trainer of it (checked here, before anything trains).</param>
        /// <param name="estimators">The member trainers.</param>
        /// <param name="check">A task-specific check of each fitted member (e.g. multiclass: its Score is a probability vector), or null.</param>
        public TrainerMembers(MlpTask task, IEnumerable<IEstimator<ITransformer>> estimators, Action<int, EnsembleMember, RoleMappedData> check = null)
        {
            _estimators = estimators?.ToArray()
                ?? throw new ArgumentNullException("members", $"members is null; pass one or more trainers, e.g. {task.ExampleTrainer}.");
            if (_estimators.Length == 0)
                throw new ArgumentException($"The member list is empty; pass at least one trainer, e.g. {task.ExampleTrainer}.", "members");
            for (int i = 0; i < _estimators.Length; i++)
            {
                if (_estimators[i] == null)
                    throw new ArgumentException($"members[{i}] is null; pass a trainer there or remove it.", "members");
                task.CheckTrainer(_estimators[i], $"member {i}", "members");
            }
            _check = check;
        }

        public override int Count => _estimators.Length;

        public override EnsembleMember[] Train(IHost host, MlpTask task, string ensembleName, RoleMappedData data, RoleMappedData validation)
        {
            using var channel = host.Start("Members");
            if (validation != null)
                channel.Warning("{0}: validation data is used by MLP copies only; trainers passed side by side train as configured and ignore it.", ensembleName);
            var members = new EnsembleMember[_estimators.Length];
            try
            {
                for (int i = 0; i < members.Length; i++)
                {
                    string describe = $"{ensembleName}: member {i}";
                    members[i] = EnsembleMember.FitTimed(host, channel, task, _estimators[i], describe, data.Data,
                        data.Schema.Label.Value.Name, data.Schema.Feature.Value.Name, null);
                    _check?.Invoke(i, members[i], data);
                }
                return members;
            }
            catch
            {
                // A failed ensemble owns nothing: release the members already trained.
                foreach (var member in members)
                    member?.Dispose();
                throw;
            }
        }
    }
}
