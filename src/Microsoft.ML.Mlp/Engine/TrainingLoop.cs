using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The epochs of one run, in order: a pass over the data at the schedule's rate (<see cref="EpochPass"/>), the divergence
    /// check (<see cref="Divergence"/>), then for a finite epoch validation, history (<see cref="TrainingHistory"/>), early
    /// stopping (<see cref="EarlyStoppingByMember"/>) and the schedule's feedback (<see cref="LearningRateSchedule"/>).
    /// </summary>
    internal sealed class TrainingLoop
    {
        private readonly TrainingSettings _settings;
        private readonly LazyTrainingNetwork _network;
        private readonly int _members;
        private readonly LearningRateSchedule _schedule;
        private readonly EarlyStoppingByMember _stopping;
        private readonly Divergence _divergence;
        private readonly TrainingHistory _history;

        public TrainingLoop(TrainingSettings settings, LazyTrainingNetwork network)
        {
            _settings = settings;
            _network = network;
            _members = settings.Seeds.Length;
            _schedule = LearningRateSchedule.From(settings);
            _stopping = new EarlyStoppingByMember(settings.EarlyStoppingPatience, settings.EarlyStoppingMinDelta, _members);
            _divergence = new Divergence(settings);
            if (settings.InitialWeights != null)
                _divergence.EpochWasFinite(settings.EpochOffset, settings.InitialWeights); // a warm start begins finite
            _history = new TrainingHistory(_members, settings.OnEpoch);
        }

        /// <summary>Trains for the settings' epochs, or until every member has stopped early or the run diverged.</summary>
        public TrainingResult Run(IRowSource source, Generator[] generators)
        {
            for (int e = 0; e < _settings.Epochs && !_stopping.AllStopped; e++)
            {
                _history.StartEpoch();
                double rate = _schedule.For(e);
                // A member early stopping has settled keeps being stepped (members are fused) but its result is fixed:
                // its divergence must not stop or roll back the others.
                var settled = _stopping.Settled();
                // A shared batch order holds but for the last fifth of the epochs (at least the last one), in which each member
                // shuffles on its own: members stepped on the same last batches carry the same last noise, and their errors
                // correlate. Measured (10 epochs of Fashion-MNIST, 5 members, 3 seeds, against independent orders): every epoch
                // shared −0.39 accuracy points, the last one each member's own −0.17 to −0.25, the last two −0.10, three −0.08.
                bool shareOrder = e < _settings.Epochs - OwnOrderEpochs(_settings.Epochs);
                var pass = new EpochPass(_settings, generators, rate, settled, shareOrder).Run(source, _network);
                int epoch = _settings.EpochOffset + e + 1;
                if (_divergence.CheckEpoch(epoch, pass, _network.Current, settled, rate) is NetworkWeights[] kept)
                    return Result(kept);
                FinishEpoch(epoch, pass, rate);
            }
            _network.Current.EndTraining(); // the result is copied out next: not beside the gradients and optimizer moments
            return Result(new EpochSnapshots(_network.Current, _members).All());
        }

        /// <summary>The last epochs in which members that share their batch order each shuffle on their own: a fifth, at least one.</summary>
        internal static int OwnOrderEpochs(int epochs) => System.Math.Max(1, epochs / 5);

        /// <summary>After a finite epoch: remembers it for rollback, validates, records history, feeds early stopping and the schedule.</summary>
        private void FinishEpoch(int epoch, EpochTotals pass, double rate)
        {
            var snapshots = new EpochSnapshots(_network.Current, _members);
            _divergence.EpochWasFinite(epoch, _settings.KeepLastFiniteWeights ? snapshots.All() : null);
            var validation = Validate(snapshots);
            var monitored = new double[_members];
            for (int m = 0; m < _members; m++)
            {
                monitored[m] = Monitored(pass.Loss[m], validation?[m]);
                if (_stopping.IsStopped(m))
                    continue; // this member's result is already fixed; its later epochs are not its history
                _history.Record(m, epoch, pass, validation?[m], rate);
                int member = m;
                _stopping.Observe(m, monitored[m], () => snapshots[member]);
            }
            _schedule.Observe(monitored.Average(), _settings.EarlyStoppingMinDelta);
        }

        /// <summary>Each member's figures on the validation rows, or null without validation.</summary>
        private ValidationResult[] Validate(EpochSnapshots snapshots)
        {
            if (!_settings.Validates)
                return null;
            var results = new ValidationResult[_members];
            for (int m = 0; m < _members; m++)
                results[m] = _settings.Objective.Evaluate(snapshots[m], _settings.ValidationOf(m));
            return results;
        }

        /// <summary>
        /// What early stopping and ReduceOnPlateau minimise: the training loss without validation; with it, the chosen metric
        /// when either watches it, else the validation loss. The metric is read only when something watches it, so a metric
        /// the validation rows cannot give (AUC of one class) fails clearly there and nowhere else.
        /// </summary>
        private double Monitored(double trainingLoss, ValidationResult? validation) =>
            validation is not ValidationResult result ? trainingLoss
            : _stopping.Enabled || _settings.Schedule == MlpLearningRateSchedule.ReduceOnPlateau ? result.Monitored(_settings.EarlyStoppingMetric)
            : result.Loss;

        /// <summary>The run's result: <paramref name="final"/> with each member's best epoch restored (early stopping).</summary>
        private TrainingResult Result(NetworkWeights[] final) => new(_stopping.RestoreBest(final), _history.Members);
    }
}
