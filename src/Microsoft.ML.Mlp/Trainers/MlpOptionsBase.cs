using System;
using System.Threading;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The options every Mlp trainer shares (<see cref="MlpMulticlassTrainer.Options"/>, <see cref="MlpBinaryTrainer.Options"/>,
    /// <see cref="MlpRegressionTrainer.Options"/>): network, optimisation, training control and data. An option left null is
    /// chosen at Fit from the training data (rows, features, sparsity, task, classes) by the rule in the README ("Defaults");
    /// the values chosen are logged and kept with the model (<see cref="MlpModelParametersBase{TOutput}.TrainingSettings"/>).
    /// Every option you set wins. <see cref="MlpPreset.KerasReference"/> sets them all to the Keras MNIST recipe instead.
    /// </summary>
    public abstract partial class MlpOptionsBase : TrainerInputBaseWithWeight
    {
        /// <summary>Width of each hidden layer; empty = a linear model (multinomial logistic regression). Null (default): chosen
        /// from the data.</summary>
        public int[] HiddenLayerSizes;

        /// <summary>Hidden-layer activation. Null (default): chosen from the data.</summary>
        public MlpActivation? Activation;

        /// <summary>Hidden-layer weight initialisation. Null (default): the one that suits the activation (LecunNormal for
        /// Selu, HeNormal — Keras' truncated he_normal — otherwise).</summary>
        public MlpWeightInitialization? WeightInitialization;

        /// <summary>Batch normalization after each hidden Linear layer, Keras semantics (momentum 0.99, epsilon 1e-3). Null
        /// (default): chosen from the data.</summary>
        public bool? UseBatchNormalization;

        /// <summary>Dropout rate after each hidden block, in [0, 1). Null (default): chosen from the data.</summary>
        public float? DropoutRate;

        /// <summary>Optimizer (Adam and RMSprop with Keras' epsilon 1e-7). Null (default): chosen from the data.</summary>
        public MlpOptimizer? Optimizer;

        /// <summary>Learning rate, &gt; 0. Null (default): chosen from the data.</summary>
        public float? LearningRate;

        /// <summary>Weight decay, ≥ 0: L2 penalty for Adam/SGD/RMSprop, decoupled decay for AdamW. Null (default): chosen
        /// with the optimizer.</summary>
        public float? WeightDecay;

        /// <summary>Momentum for <see cref="MlpOptimizer.Sgd"/> and <see cref="MlpOptimizer.RmsProp"/>, in [0, 1). Default 0.</summary>
        public float Momentum;

        /// <summary>Nesterov momentum for <see cref="MlpOptimizer.Sgd"/> (needs Momentum &gt; 0). Default false.</summary>
        public bool Nesterov;

        /// <summary>Rows per mini-batch, ≥ 1. Null (default): chosen from the number of rows.</summary>
        public int? BatchSize;

        /// <summary>Passes over the training data at most, ≥ 1 (early stopping may end sooner). Null (default): chosen from
        /// the number of rows, so that small data gets enough steps and large data a bounded time.</summary>
        public int? NumberOfEpochs;

        /// <summary>Label smoothing of the classification loss, in [0, 1): the target puts 1 − ε on the label's class and
        /// ε spread evenly over all classes. Validation loss stays plain cross-entropy. Ignored for regression. Null (default):
        /// chosen from the task.</summary>
        public float? LabelSmoothing;

        /// <summary>Reshuffle the training rows every epoch. Default true.</summary>
        public bool Shuffle = true;

        /// <summary>
        /// For networks trained side by side — the MLP copies of a voting or stacking ensemble, or <see cref="EnsembleSize"/>
        /// above 1 — every network reads the same batches, in the first network's order, while keeping its own initial weights,
        /// dropout masks, batch-norm statistics and early stopping; in the last fifth of each fit's epochs (at least the last
        /// one; a network that early stopping fixed earlier keeps a shared epoch's weights) each shuffles on its own again
        /// (networks that end on the same batches make more of the same errors: Fashion-MNIST, 5 networks, 10 epochs, 3 seeds,
        /// −0.39 accuracy points against independent orders with every epoch shared, −0.10 with the last two each network's
        /// own). On dense rows
        /// their first layers then run as one wide product per batch, which is faster (a 5-network seed ensemble on AMD EPYC:
        /// 0.90 against 1.21 s/epoch, 2026-12-08; where the CPU has AVX-512 these networks' products are a managed kernel's, whose rounding
        /// differs from libtorch's). Default false: each network shuffles on its own (the seed recipe). Changes what a seed
        /// trains; no effect on a single network.
        /// </summary>
        public bool SharedBatchOrder;

        /// <summary>
        /// Training's matrix products (each layer's forward product and kernel gradient) in this package's managed kernel where
        /// the CPU has AVX-512, every one of them, instead of libtorch's (MKL's) sgemm — with other rounding than libtorch's
        /// products: a seed trains other bits than with the default (reproducibly; the gradients passed between layers stay
        /// libtorch's). The default already runs every product it can in that kernel with MKL's very bits (where a probe finds
        /// the kernel can give them: on AMD EPYC all but the narrow output layer's, the gradients passed down between layers and
        /// batches of one or three rows), so this gains little more: on AMD EPYC (Zen 5) one
        /// seed model trained in 0.20–0.22 against 0.23–0.26 s/epoch (see benchmarks/README.md). No effect on a CPU without
        /// AVX-512. Default false. (Networks sharing their batch order on dense rows, <see cref="SharedBatchOrder"/>, use the kernel anyway.)
        /// </summary>
        public bool ManagedMatrixProducts;

        /// <summary>Seed of initialisation, shuffling and dropout; null = drawn from the MLContext's seed.</summary>
        public int? Seed;

        /// <summary>Threads used while training; null = 1, measured fastest and most stable here (see benchmarks/README.md).
        /// One network: libtorch's intra-op threads (a process-wide setting, restored after the fit) — for a small network
        /// slower than one thread (measured 1.7× on an Intel Xeon, 7–10× on an AMD EPYC; the fit logs a warning). A
        /// SoftVotingEnsemble of MLP copies: members run side by side on this many threads (results bit-identical to 1 thread;
        /// measured 22 % faster on the AMD EPYC, −3 to +10 % on the Intel Xeon).</summary>
        public int? NumberOfThreads;

        /// <summary>Fraction of the training rows (stratified by class, seeded) held out to validate every epoch; 0 = none.
        /// Ignored when validation data is passed to <c>Fit(train, validation)</c>. Null (default): chosen from the number
        /// of rows (the held-out rows pick the best epoch).</summary>
        public float? ValidationFraction;

        /// <summary>Stop after this many epochs without improvement of <see cref="EarlyStoppingMetric"/> and keep the best
        /// epoch's weights (Keras restore_best_weights); 0 = off (train every epoch, keep the last). Without validation data,
        /// training loss is watched. Null (default): chosen with the number of epochs.</summary>
        public int? EarlyStoppingPatience;

        /// <summary>What early stopping and ReduceOnPlateau watch. Default validation loss (every task); classification may watch
        /// accuracy, binary classification AUC, regression RMSE or R². A metric the task does not compute is rejected at Fit.</summary>
        public MlpEarlyStoppingMetric EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationLoss;

        /// <summary>Smallest change that counts as an improvement (loss units; accuracy, AUC and R² as fractions; RMSE in label units). Default 0.</summary>
        public float EarlyStoppingMinDelta;

        /// <summary>Learning-rate schedule, evaluated per epoch. Null (default): chosen from the data.</summary>
        public MlpLearningRateSchedule? LearningRateSchedule;

        /// <summary>Decay factor in (0, 1] for StepDecay, ExponentialDecay and ReduceOnPlateau; null = the schedule's usual
        /// value (StepDecay 0.1, ExponentialDecay 0.95, ReduceOnPlateau 0.1).</summary>
        public float? LearningRateDecay;

        /// <summary>Epochs between StepDecay steps, ≥ 1. Default 10.</summary>
        public int LearningRateStepSize = 10;

        /// <summary>Floor of CosineAnnealing and ReduceOnPlateau, ≥ 0. Default 0.</summary>
        public float MinimumLearningRate;

        /// <summary>Epochs without improvement before ReduceOnPlateau decays the rate, ≥ 1. Default 3.</summary>
        public int ReduceOnPlateauPatience = 3;

        /// <summary>Clip each gradient to this L2 norm (per network); null = no clipping.</summary>
        public float? GradientClipNorm;

        /// <summary>Per-class loss weights. Default <see cref="MlpClassWeighting.None"/>.</summary>
        public MlpClassWeighting ClassWeighting = MlpClassWeighting.None;

        /// <summary>Feature preprocessing inside the model, fitted on the training rows (when they stream, on the first block)
        /// and saved with it. Null (default): <see cref="MlpFeatureScaling.Robust"/>, so a pipeline without a normaliser still
        /// trains well. A warm start keeps the initial model's scaling, whatever this says.</summary>
        public MlpFeatureScaling? FeatureScaling;

        /// <summary>Numeric feature embedding after the scaling, inside the model: <see cref="MlpNumericEmbedding.PiecewiseLinear"/>
        /// adds, per numeric feature, one input per quantile bin of its training values (<see cref="NumericEmbeddingBins"/>),
        /// which lets the network bend each feature's effect. Needs dense rows and robust scaling. Null (default): chosen from
        /// the data (see the README's defaults table). A warm start keeps the initial model's.</summary>
        public MlpNumericEmbedding? NumericEmbedding;

        /// <summary>Most bins per feature of the piecewise-linear embedding, 2 to 64. Null (default): 8.</summary>
        public int? NumericEmbeddingBins;

        /// <summary>Networks trained side by side from seeds Seed, Seed + 1,000,003, … (each with its own initialisation,
        /// shuffling, dropout and early stopping; fused, so about as fast as one network that wide) and averaged into one model
        /// of the same type: the model's hidden layers are the networks' side by side and its output their mean (logits for
        /// classes). Averaging lowers the variance a single small-data fit has; ONNX export and explanations work unchanged.
        /// A warm start continues one network. Null (default): chosen from the rows (4 on small data, where the epoch
        /// budget leaves room; 1 from about 2,000 training rows on). 1 = one network.</summary>
        public int? EnsembleSize;

        /// <summary>
        /// With <see cref="EnsembleSize"/> above 1 and rows held out (<see cref="ValidationFraction"/>, no validation data, rows
        /// in memory): true = network j holds out its own share of the rows — the j-th <see cref="ValidationFraction"/> of the
        /// shuffled rows (of each class for classification), so shares do not overlap while EnsembleSize × ValidationFraction
        /// ≤ 1 (up to a row per class from rounding) — and picks its best epoch on them, so the averaged model has learnt from
        /// every row (cross-fitting); false = every network holds out the same rows. The feature scaling and the label's
        /// standardisation are then fitted on all the rows. Null (default): chosen (see the README's defaults
        /// table). Needs each network's own batch order: not with <see cref="SharedBatchOrder"/>.
        /// </summary>
        public bool? RotateHeldOutRows;

        /// <summary>Dense or sparse training memory. Default <see cref="MlpFeatureStorage.Auto"/> (by measured density).
        /// Both give the same model up to float rounding when <see cref="LazySparseUpdates"/> is false.</summary>
        public MlpFeatureStorage FeatureStorage = MlpFeatureStorage.Auto;

        /// <summary>
        /// Bytes the training rows may take in memory; null (default) = a quarter of what the GC may use
        /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical memory, or the container's or GCHeapHardLimit's).
        /// Data that would need more is not copied: every epoch streams it from the IDataView in blocks of about a quarter
        /// of the budget, shuffling within each block, so memory stays flat however many rows there are. Validation data
        /// streams the same way; <see cref="ValidationFraction"/> then holds rows out row by row (seeded) instead of stratified.
        /// </summary>
        public long? TrainingMemoryBudget;

        /// <summary>
        /// With sparse storage, update only the first-layer weights of the features a mini-batch contains (TensorFlow's
        /// LazyAdam semantics; for every optimizer): an absent feature's weights, moments and momentum stay as they are
        /// until a batch holds it again, and weight decay reaches it only then. Every other parameter is updated every
        /// step. Default true: on a 218,008-feature text vector it makes a step cost the batch's non-zeros instead of
        /// all 14 M first-layer weights. False: exactly the dense semantics (every weight every step).
        /// </summary>
        public bool LazySparseUpdates = true;

        /// <summary>
        /// When the training loss or a weight becomes NaN or ∞ (too high a learning rate, unnormalised features):
        /// <see cref="MlpDivergenceHandling.Throw"/> (default) or <see cref="MlpDivergenceHandling.KeepLastFiniteWeights"/>.
        /// Never a model that scores NaN.
        /// </summary>
        public MlpDivergenceHandling DivergenceHandling = MlpDivergenceHandling.Throw;

        /// <summary>Stops a running fit within one mini-batch with <see cref="OperationCanceledException"/>.</summary>
        public CancellationToken CancellationToken;

        /// <summary>Called after every epoch with that epoch's metrics (not saved with the model).</summary>
        public Action<MlpEpochMetrics> EpochCallback;

        /// <summary>Builds the training network instead of the fast path; null (default) = the fast path. Tests set their
        /// autograd reference here.</summary>
        internal Engine.TrainingNetworkFactory NetworkFactory;

        /// <summary>Creates options with the default column names (Label, Features, no weight) and the
        /// <paramref name="preset"/>'s values.</summary>
        private protected MlpOptionsBase(MlpPreset preset)
        {
            LabelColumnName = DefaultColumnNames.Label;
            FeatureColumnName = DefaultColumnNames.Features;
            if (preset == MlpPreset.KerasReference)
                MlpDefaults.ApplyKerasReference(this);
            else if (preset != MlpPreset.DataAware)
                throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown preset; use a value of MlpPreset.");
        }

        /// <summary>A shallow copy with its own <see cref="HiddenLayerSizes"/> array, so a trainer is not changed by later edits of the options.</summary>
        internal MlpOptionsBase CloneOptions()
        {
            var copy = (MlpOptionsBase)MemberwiseClone();
            copy.HiddenLayerSizes = (int[])HiddenLayerSizes?.Clone();
            return copy;
        }
    }
}
