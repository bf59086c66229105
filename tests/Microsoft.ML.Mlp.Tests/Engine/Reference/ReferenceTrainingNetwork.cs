using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine.Reference
{
    /// <summary>
    /// The reference training path: the forward pass in torch ops, gradients by autograd, torch's own optimizers.
    /// Straightforward and general; the fast path is checked against it.
    /// </summary>
    internal sealed class ReferenceTrainingNetwork : ITrainingNetwork
    {
        private readonly ReferenceNetwork _network;
        private readonly optim.Optimizer _optimizer;
        private readonly TrainingSettings _settings;
        private Tensor _features, _labels, _targets, _weights;
        private readonly DropoutMasks _masks;

        /// <summary>Plugs this path into a run (<see cref="TrainingSettings.NetworkFactory"/>, <see cref="MlpOptionsBase.NetworkFactory"/>).</summary>
        public static readonly TrainingNetworkFactory Factory =
            (members, settings, data, rowWeights, masks) => new ReferenceTrainingNetwork(members, settings, data, rowWeights, masks);

        public ReferenceTrainingNetwork(NetworkWeights[] members, TrainingSettings settings, TrainingData data, float[] rowWeights, DropoutMasks masks)
        {
            _settings = settings;
            _masks = masks;
            _network = ReferenceNetwork.FromWeights(members);
            _optimizer = TorchOptimizers.Create(settings, _network.Parameters);
            SetData(data, rowWeights);
        }

        public void SetData(TrainingData data, float[] rowWeights)
        {
            DisposeData();
            var features = new float[data.RowCount * data.FeatureCount]; // dense even for sparse rows: the reference is for small data
            for (int r = 0; r < data.RowCount; r++)
                data.CopyDenseRow(r, features.AsSpan(r * data.FeatureCount, data.FeatureCount));
            _features = tensor(features, new long[] { data.RowCount, data.FeatureCount });
            _labels = tensor(data.Labels.AsSpan(0, data.RowCount).ToArray().Select(l => (long)l).ToArray(), new long[] { data.RowCount });
            _weights = rowWeights == null ? null : tensor(rowWeights, new long[] { data.RowCount });
            _targets = tensor(data.Labels.AsSpan(0, data.RowCount).ToArray(), new long[] { data.RowCount });
        }

        private void DisposeData()
        {
            _features?.Dispose();
            _labels?.Dispose();
            _targets?.Dispose();
            _weights?.Dispose();
        }

        public int MemberCount => _network.MemberCount;

        /// <summary>One reference step, run without garbage collection (<see cref="WithoutCollection"/>).</summary>
        public void Step(ReadOnlySpan<int> rows, int count, double learningRate, double[] lossSum, long[] correct)
        {
            var batch = rows.ToArray();
            WithoutCollection.Run(() => StepCore(batch, count, learningRate, lossSum, correct));
        }

        private void StepCore(int[] rows, int count, double learningRate, double[] lossSum, long[] correct)
        {
            int members = MemberCount;
            long width = _features.shape[1];
            foreach (var group in _optimizer.ParamGroups)
                group.LearningRate = learningRate;
            using var scope = NewDisposeScope();
            var index = tensor(rows.Select(r => (long)r).ToArray(), new long[] { members * count });
            var x = _features.index_select(0, index).view(members, count, width);
            var y = _labels.index_select(0, index).view(members, count);

            var logits = _network.Forward(x, training: true, DropoutScale);
            var regression = _settings.Objective as RegressionObjective;
            var rowLoss = regression != null
                ? RegressionRowLoss(logits.squeeze(2), _targets.index_select(0, index).view(members, count), regression)
                : nn.functional.log_softmax(logits, 2).gather(2, y.unsqueeze(2)).squeeze(2).neg();
            if (_weights is not null)
                rowLoss = rowLoss.mul(_weights.index_select(0, index).view(members, count));
            // Keras semantics: mean over the batch of (weight × loss). Members' losses are summed: their gradients do not mix.
            var memberLoss = rowLoss.sum(1);
            _optimizer.zero_grad();
            memberLoss.div(count).sum().backward();
            if (_settings.GradientClipNorm is double maxNorm)
                _network.ClipGradientNorms(maxNorm);
            _optimizer.step();

            var losses = memberLoss.detach().to(ScalarType.Float64).data<double>().ToArray();
            // Regression has no "correct" rows: its history's accuracy stays 0.
            var right = regression != null ? new long[members] : logits.argmax(2).eq(y).sum(1).data<long>().ToArray();
            for (int m = 0; m < members; m++)
            {
                lossSum[m] += losses[m];
                correct[m] += right[m];
            }
        }

        /// <summary>Per-row regression loss, torch's own functions with reduction 'none' (weighting and the mean follow).</summary>
        private static Tensor RegressionRowLoss(Tensor outputs, Tensor targets, RegressionObjective objective) => objective.Loss switch
        {
            MlpRegressionLoss.Squared => nn.functional.mse_loss(outputs, targets, reduction: nn.Reduction.None),
            MlpRegressionLoss.Huber => nn.functional.huber_loss(outputs, targets, delta: objective.HuberDelta, reduction: nn.Reduction.None),
            _ => nn.functional.l1_loss(outputs, targets, reduction: nn.Reduction.None),
        };

        private Tensor DropoutScale(long[] shape)
        {
            var scale = new float[shape.Aggregate(1L, (a, b) => a * b)];
            _masks.Fill(scale, _network.Architecture.DropoutRate);
            return tensor(scale, shape);
        }

        public NetworkWeights SnapshotMember(int member) => _network.SnapshotMember(member);

        public int FirstNonFiniteMember(bool[] ignore = null)
        {
            var members = _network.Snapshot();
            for (int m = 0; m < members.Length; m++)
                if (ignore?[m] != true && Divergence.FirstNonFinite(new[] { members[m] }) >= 0)
                    return m;
            return -1;
        }

        /// <summary>All trainable parameters, flat: per layer W [N, in, out], b [N, out], then γ, β [N, out] when normalised
        /// (<see cref="FlatLayout"/>, as the fast path's <see cref="ParameterStore"/> holds them).</summary>
        public float[] FlatParameters() => Flatten(_network.InLayoutOrder().Select(p => (Tensor)p));

        /// <summary>The last step's gradients in the <see cref="FlatParameters"/> layout.</summary>
        public float[] FlatGradients() => Flatten(_network.InLayoutOrder().Select(p => p.grad));

        private static float[] Flatten(System.Collections.Generic.IEnumerable<Tensor> tensors) =>
            tensors.SelectMany(t => t.detach().contiguous().data<float>().ToArray()).ToArray();

        public void Dispose()
        {
            _optimizer.Dispose();
            _network.Dispose();
            DisposeData();
        }
    }
}
