namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>Activation applied after each hidden layer (after batch normalization when enabled).</summary>
    public enum MlpActivation
    {
        /// <summary>max(0, x).</summary>
        Relu,
        /// <summary>x for x &gt; 0, else 0.01·x.</summary>
        LeakyRelu,
        /// <summary>x for x &gt; 0, else exp(x) − 1.</summary>
        Elu,
        /// <summary>Gaussian error linear unit (exact, erf form).</summary>
        Gelu,
        /// <summary>Scaled ELU (Klambauer et al.); pair it with <see cref="MlpWeightInitialization.LecunNormal"/>.</summary>
        Selu,
        /// <summary>Hyperbolic tangent.</summary>
        Tanh,
        /// <summary>Logistic sigmoid.</summary>
        Sigmoid,
    }

    /// <summary>How hidden-layer weights are initialised (Keras semantics; biases start at zero).
    /// The output layer always uses Glorot uniform, like a Keras <c>Dense</c> default.</summary>
    public enum MlpWeightInitialization
    {
        /// <summary>Keras <c>he_normal</c>: truncated normal (±2 sd), sd = sqrt(2 / fan_in).</summary>
        HeNormal,
        /// <summary>Keras <c>he_uniform</c>: uniform(±sqrt(6 / fan_in)).</summary>
        HeUniform,
        /// <summary>Keras <c>glorot_normal</c>: truncated normal, sd = sqrt(2 / (fan_in + fan_out)).</summary>
        GlorotNormal,
        /// <summary>Keras <c>glorot_uniform</c>: uniform(±sqrt(6 / (fan_in + fan_out))).</summary>
        GlorotUniform,
        /// <summary>Keras <c>lecun_normal</c>: truncated normal, sd = sqrt(1 / fan_in).</summary>
        LecunNormal,
    }

    /// <summary>Gradient-descent optimizer.</summary>
    public enum MlpOptimizer
    {
        /// <summary>Adam with Keras' epsilon 1e-7; <see cref="MlpOptionsBase.WeightDecay"/> is an L2 penalty.</summary>
        Adam,
        /// <summary>AdamW: Adam with decoupled weight decay (<see cref="MlpOptionsBase.WeightDecay"/>).</summary>
        AdamW,
        /// <summary>Stochastic gradient descent with <see cref="MlpOptionsBase.Momentum"/> and optional <see cref="MlpOptionsBase.Nesterov"/>.</summary>
        Sgd,
        /// <summary>RMSprop with Keras defaults (rho 0.9, epsilon 1e-7) and <see cref="MlpOptionsBase.Momentum"/>.</summary>
        RmsProp,
    }
}

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>How the learning rate changes from epoch to epoch (evaluated once per epoch; epoch e is 0-based, E epochs in the fit).</summary>
    public enum MlpLearningRateSchedule
    {
        /// <summary>lr(e) = LearningRate.</summary>
        Constant,
        /// <summary>lr(e) = LearningRate · LearningRateDecay^floor(e / LearningRateStepSize).</summary>
        StepDecay,
        /// <summary>lr(e) = LearningRate · LearningRateDecay^e.</summary>
        ExponentialDecay,
        /// <summary>lr(e) = min + (LearningRate − min) · (1 + cos(π e / E)) / 2, min = MinimumLearningRate.</summary>
        CosineAnnealing,
        /// <summary>1cycle (torch defaults, per epoch): cosine warm-up from LearningRate/25 to LearningRate over the first 30% of
        /// epochs, then cosine annealing to LearningRate/25/10⁴ at the last epoch.</summary>
        OneCycle,
        /// <summary>Multiply by LearningRateDecay when the monitored metric (<see cref="MlpOptionsBase.EarlyStoppingMetric"/>)
        /// has not improved for ReduceOnPlateauPatience epochs; never below MinimumLearningRate. For a fused ensemble the
        /// members' mean metric is monitored (they share one learning rate).</summary>
        ReduceOnPlateau,
    }

    /// <summary>The metric early stopping and ReduceOnPlateau watch. Without validation data, training loss is watched.</summary>
    public enum MlpEarlyStoppingMetric
    {
        /// <summary>Validation loss (lower is better): cross-entropy for classification, the training loss on the standardised
        /// label for regression. Every task.</summary>
        ValidationLoss,
        /// <summary>Validation accuracy (higher is better). Classification only.</summary>
        ValidationAccuracy,
        /// <summary>Validation area under the ROC curve (higher is better). Binary classification only.</summary>
        ValidationAuc,
        /// <summary>Validation root mean squared error in label units (lower is better). Regression only.</summary>
        ValidationRmse,
        /// <summary>Validation R² (higher is better). Regression only.</summary>
        ValidationRSquared,
    }

    /// <summary>Per-class loss weights.</summary>
    public enum MlpClassWeighting
    {
        /// <summary>Every class weighs 1.</summary>
        None,
        /// <summary>scikit-learn's <c>class_weight='balanced'</c>: rows / (classes × rows of the class).</summary>
        Balanced,
    }

    /// <summary>What a fit does when the training loss or a weight stops being a finite number (divergence).</summary>
    public enum MlpDivergenceHandling
    {
        /// <summary>Stop with an exception that names the epoch, the learning rate and the fixes. The default.</summary>
        Throw,
        /// <summary>Stop, warn in the log, and return the weights (and history) of the last epoch whose loss and weights were
        /// all finite (a warm start counts its initial model as such an epoch). A fresh run still throws when its very first
        /// epoch diverges: there is nothing trained to return.</summary>
        KeepLastFiniteWeights,
    }

    /// <summary>How the training rows are held in memory and fed to the first layer.</summary>
    public enum MlpFeatureStorage
    {
        /// <summary>Measured on the first 1,000 rows: sparse below 10% non-zeros (text, one-hot), dense otherwise (images, tables).</summary>
        Auto,
        /// <summary>Row-major floats, rows × features; the first layer is one matrix product per batch.</summary>
        Dense,
        /// <summary>Only the non-zeros of each row; the first layer adds one kernel row per non-zero and its gradient touches
        /// only those rows. Memory grows with the non-zeros, not with rows × features.</summary>
        Sparse,
    }

    /// <summary>The loss a regression Mlp minimises (mean over the batch of example weight × loss), on the standardised label.</summary>
    public enum MlpRegressionLoss
    {
        /// <summary>(output − target)², torch's <c>mse_loss</c> and Keras' <c>mean_squared_error</c>.</summary>
        Squared,
        /// <summary>Quadratic within ±delta, linear beyond (torch's <c>huber_loss</c>): robust to outlying labels.</summary>
        Huber,
        /// <summary>|output − target| (torch's <c>l1_loss</c>): fits the conditional median.</summary>
        Absolute,
    }

    /// <summary>Where an Mlp trainer's options start: every option you set on top of it wins.</summary>
    public enum MlpPreset
    {
        /// <summary>Options left null are chosen at Fit from the training data (the README's "Defaults" table).</summary>
        DataAware,

        /// <summary>The Keras MNIST tutorial's recipe, every option set: 4 hidden layers of 50, ReLU (he_normal), batch norm,
        /// dropout 0.2, Adam 1e-3, batch 32, 10 epochs, constant rate, no validation split, no early stopping, no label
        /// smoothing, no feature scaling. The seed recipe (five soft-voted copies give 98.01% on MNIST) starts here.</summary>
        KerasReference,
    }

    /// <summary>How an Mlp model preprocesses its features before the first layer. The preprocessing is fitted on the
    /// training rows, saved in the model, and applied the same way by every scoring path and the ONNX export.</summary>
    public enum MlpFeatureScaling
    {
        /// <summary>Features go into the network as they are.</summary>
        None,

        /// <summary>Robust per-feature scaling with smooth clipping (RealMLP): x ← (x − median) / s with s the interquartile
        /// range over 1.349 (the standard deviation for normal data; half the range when that is 0), then
        /// x / √(1 + (x/3)²), which leaves small values nearly unchanged and bends outliers towards ±3. Sparse features are
        /// divided by their largest absolute value, without centring, so a zero stays zero and the rows stay sparse.</summary>
        Robust,
    }

    /// <summary>How an Mlp model embeds its scaled numeric features before the first layer (Gorishniy et al. 2022, "On
    /// embeddings for numerical features in tabular deep learning"). Fitted on the training rows, saved in the model, applied
    /// by every scoring path and the ONNX export.</summary>
    public enum MlpNumericEmbedding
    {
        /// <summary>The scaled features go into the network as they are.</summary>
        None,

        /// <summary>Piecewise-linear encoding: each feature's training values are cut into quantile bins
        /// (<c>NumericEmbeddingBins</c>), and each bin adds one input, clamp((x − bin start) / bin width, 0, 1), after the
        /// scaled features — so the first layer can give every range of a feature its own slope. Features with at most two
        /// distinct values (binary, one-hot) get no bins. Needs dense rows and <see cref="MlpFeatureScaling.Robust"/>.</summary>
        PiecewiseLinear,
    }
}
