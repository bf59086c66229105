using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Scoring in managed code: batch normalization folded into the Linear layers, dropout gone. Each layer is stored
    /// [in, out] with out padded to whole SIMD vectors. A row is accumulated input by input over its non-zero inputs
    /// (<see cref="Kernels.AccumulateRows"/>: out-vectors += x_i · W[i]) — so sparse-ish rows such as images cost a fraction of
    /// a dense product — except a first layer whose row is more than a quarter non-zero, which takes one dot product per
    /// output (<see cref="Kernels.Dot"/>) over an [out, in] copy made at the first such row. A row costs no native call and,
    /// up to 256 classes, no allocation; scoring is thread-safe, and results are bit-identical on every load of the same weights.
    /// A model's <see cref="FeatureScaler"/>, when it has one, is applied first by every entry point (row, sparse row, batch).
    /// </summary>
    internal sealed class InferenceNetwork
    {
        private static readonly int Lanes = Vector<float>.Count;
        private readonly AlignedBuffer[] _weights; // [in, padded out] per layer, batch norm folded in; aligned for libtorch (PredictBatch)
        private readonly float[][] _biases;  // [padded out]
        private readonly float[][] _kernelBiases; // [whole BatchKernel panels], for bulk scoring where the kernel runs
        private float[] _firstRows; // first layer again as [out, in], for dense rows (dot products): made at the first dense row
        private object _firstRowsLock;
        private readonly int[] _inputs, _outputs, _padded;
        private readonly int[] _blocks; // per layer: its diagonal blocks — k for an averaged model's hidden layers, else 1
        private readonly ActivationFunction _activation;
        private readonly int _widest;
        private readonly bool _softmax;
        private readonly FeatureScaler _scaler;

        /// <param name="network">The trained weights.</param>
        /// <param name="logits">Output the last layer's raw values instead of their softmax (a binary model's score is the
        /// difference of its two logits; taking it from probabilities would lose it where a probability rounds to 0 or 1).</param>
        /// <param name="scaler">The feature preprocessing the network was trained behind, or null for none (also for rows that
        /// are scaled already, as validation rows during training are).</param>
        public InferenceNetwork(NetworkWeights network, bool logits = false, FeatureScaler scaler = null)
        {
            _softmax = !logits;
            _scaler = scaler;
            var arch = network.Architecture;
            int layers = arch.LayerCount;
            _weights = new AlignedBuffer[layers];
            _biases = new float[layers][];
            _kernelBiases = new float[layers][];
            _inputs = new int[layers];
            _outputs = new int[layers];
            _padded = new int[layers];
            _blocks = new int[layers];
            _activation = ActivationFunction.For(arch.Activation);
            for (int l = 0; l < layers; l++)
            {
                var layer = network.Layers[l];
                int fanIn = arch.LayerInput(l), fanOut = arch.LayerOutput(l), padded = (fanOut + Lanes - 1) / Lanes * Lanes;
                _inputs[l] = fanIn;
                _outputs[l] = fanOut;
                _padded[l] = padded;
                _biases[l] = new float[padded];
                var scales = new float[fanOut];
                for (int o = 0; o < fanOut; o++)
                {
                    // y = γ(Wx + b − mean)/sqrt(var + ε) + β  =  (s·W)x + (s·(b − mean) + β)
                    float scale = 1f, shift = layer.Bias[o];
                    if (layer.HasBatchNorm)
                    {
                        scale = layer.Gamma[o] / MathF.Sqrt(layer.RunningVariance[o] + NetworkArchitecture.BatchNormEpsilon);
                        shift = scale * (layer.Bias[o] - layer.RunningMean[o]) + layer.Beta[o];
                    }
                    scales[o] = scale;
                    _biases[l][o] = shift;
                }
                // [in, padded out], batch norm folded in: transposed, then each input's row times the scales (the same one
                // product per weight as folding first, so the same bits, without an [out, in] copy of a wide first layer).
                // Slack after the last row: Kernels.AccumulateRows' last tile, BatchKernel's whole panels.
                _weights[l] = new AlignedBuffer(fanIn * padded + Math.Max(Kernels.AccumulateSlack, BatchKernel.Lanes));
                _kernelBiases[l] = new float[BatchKernel.PaddedColumns(fanOut)];
                _biases[l].AsSpan(0, fanOut).CopyTo(_kernelBiases[l]);
                var stored = _weights[l].AsSpan();
                Transpose.Copy(layer.Weight, fanOut, fanIn, stored, padded);
                if (layer.HasBatchNorm)
                    for (int i = 0; i < fanIn; i++)
                        TensorPrimitives.Multiply(stored.Slice(i * padded, fanOut), scales, stored.Slice(i * padded, fanOut));
                // Between hidden layers an averaged model (NetworkAverage) is block-diagonal: a row then only visits its block.
                _blocks[l] = l == 0 || l == layers - 1 ? 1 : DiagonalBlocks(FoldedRows(l), fanOut, fanIn);
                _widest = Math.Max(_widest, padded);
            }
        }

        /// <summary>Values the first layer reads: the features, or the scaler's output (features and encoded bins).</summary>
        public int InputSize => _inputs[0];

        /// <summary>Layer <paramref name="layer"/>'s folded weights as [out, in], from the stored [in, padded out] (the same values).</summary>
        private float[] FoldedRows(int layer)
        {
            var rows = new float[_outputs[layer] * _inputs[layer]];
            Transpose.Copy(_weights[layer].AsSpan(), _inputs[layer], _outputs[layer], _padded[layer], rows, _inputs[layer]);
            return rows;
        }

        /// <summary>The first layer as [out, in] for dense rows, made once when the first one comes (text models, scored
        /// sparse, never need this second copy of their widest layer); other threads wait for it.</summary>
        private float[] FirstRows() => System.Threading.LazyInitializer.EnsureInitialized(ref _firstRows, ref _firstRowsLock, () => FoldedRows(0));

        /// <summary>Values per row the scoring entries read: the model's features.</summary>
        public int FeatureCount => _scaler?.Width ?? _inputs[0];

        public int OutputSize => _outputs[^1];

        /// <summary>Number of Linear layers, the output layer included.</summary>
        public int LayerCount => _weights.Length;

        /// <summary>Diagonal blocks row scoring found in layer <paramref name="layer"/> (k between an averaged model's hidden
        /// layers, else 1).</summary>
        public int DiagonalBlocksOf(int layer) => _blocks[layer];

        /// <summary>Activation after every layer but the last.</summary>
        public MlpActivation Activation => _activation.Kind;

        /// <summary>True when the last layer's values go through softmax (false: raw logits).</summary>
        public bool Softmax => _softmax;

        /// <summary>The feature preprocessing applied before the first layer, or null for none.</summary>
        public FeatureScaler Scaler => _scaler;

        /// <summary>
        /// Layer <paramref name="layer"/> exactly as scoring uses it — batch norm folded in — for exporters (ONNX): weight as
        /// row-major [in, out] (the padding dropped: y = x · W + b), bias [out]. Copies; the network is unchanged.
        /// </summary>
        public (float[] Weight, float[] Bias) FoldedLayer(int layer)
        {
            int fanIn = _inputs[layer], fanOut = _outputs[layer], padded = _padded[layer];
            var stored = _weights[layer].AsSpan();
            var weight = new float[fanIn * fanOut];
            for (int i = 0; i < fanIn; i++)
                stored.Slice(i * padded, fanOut).CopyTo(weight.AsSpan(i * fanOut, fanOut));
            return (weight, _biases[layer].AsSpan(0, fanOut).ToArray());
        }

        [ThreadStatic]
        private static float[] t_scratch;

        [ThreadStatic]
        private static float[] t_scaled;

        [ThreadStatic]
        private static int[] t_rows;

        [ThreadStatic]
        private static float[] t_values;

        /// <summary>Class probabilities of one row. Thread-safe (scratch memory is per thread).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every row: optimised from the first row, not after tiering
        public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
        {
            if (_scaler != null)
            {
                var scaled = Scaled(_scaler.OutputWidth);
                _scaler.Apply(features, scaled);
                features = scaled;
            }
            PredictScaled(features, probabilities);
        }

        /// <summary>A thread's buffer for one scaled row (or one sparse row's scaled values) of <paramref name="length"/> values.</summary>
        private static Span<float> Scaled(int length)
        {
            if (t_scaled == null || t_scaled.Length < length)
                t_scaled = new float[Math.Max(length, 256)];
            return t_scaled.AsSpan(0, length);
        }

        /// <summary><see cref="Predict"/> of a row already scaled.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        private void PredictScaled(ReadOnlySpan<float> features, Span<float> probabilities)
        {
            var scratch = Scratch();
            var output = scratch.AsSpan(0, _padded[0]);
            if (IsDense(features))
            {
                DotProducts(features, _firstRows ?? FirstRows(), _biases[0], output.Slice(0, _outputs[0]));
            }
            else
            {
                var (rows, values) = NonZeros(features.Length);
                Kernels.AccumulateNonZeros(features, _weights[0].AsSpan(), _biases[0], output, rows, values);
            }
            if (!FinishFrom(scratch, probabilities))
                PredictSaturated(features, probabilities);
        }

        /// <summary>A thread's buffers for the non-zero inputs of one layer (their indices and values), at least <paramref name="length"/> long.</summary>
        private (int[] Rows, float[] Values) NonZeros(int length)
        {
            length = Math.Max(length, _widest);
            if (t_rows == null || t_rows.Length < length)
            {
                t_rows = new int[Math.Max(length, 256)];
                t_values = new float[t_rows.Length];
            }
            return (t_rows, t_values);
        }

        /// <summary>Class probabilities of one row given as its non-zeros (ascending indices). Thread-safe. A centring scaler
        /// changes the zeros too, so then the row is made dense; otherwise its non-zeros are scaled and scored as they are.</summary>
        public void PredictSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
        {
            if (_scaler == null)
            {
                PredictSparseScaled(indices, values, probabilities);
                return;
            }
            var scaled = Scaled(_scaler.KeepsZeros ? values.Length : InputSize);
            if (_scaler.KeepsZeros)
            {
                _scaler.ApplySparse(indices, values, scaled);
                PredictSparseScaled(indices, scaled, probabilities);
                return;
            }
            scaled.Clear();
            for (int k = 0; k < indices.Length; k++)
                scaled[indices[k]] = values[k];
            _scaler.Apply(scaled.Slice(0, _scaler.Width), scaled);
            PredictScaled(scaled, probabilities);
        }

        /// <summary><see cref="PredictSparse"/> of a row whose values are already scaled.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        private void PredictSparseScaled(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> probabilities)
        {
            var scratch = Scratch();
            var output = scratch.AsSpan(0, _padded[0]);
            var (rows, scales) = NonZeros(indices.Length);
            int count = 0;
            for (int k = 0; k < indices.Length; k++) // a stored zero is skipped, as a mostly-zero dense row's zeros are: the same bits
            {
                rows[count] = indices[k];
                scales[count] = values[k];
                count += values[k] != 0 ? 1 : 0;
            }
            Kernels.AccumulateRows(rows.AsSpan(0, count), scales.AsSpan(0, count), _weights[0].AsSpan(), _biases[0], output);
            if (!FinishFrom(scratch, probabilities))
            {
                var dense = new float[InputSize]; // the rare overflowed row: densified for the saturated path
                for (int k = 0; k < indices.Length; k++)
                    dense[indices[k]] = values[k];
                PredictSaturated(dense, probabilities);
            }
        }

        private float[] Scratch()
        {
            if (t_scratch == null || t_scratch.Length < _widest * 2)
                t_scratch = new float[Math.Max(_widest * 2, 256)];
            return t_scratch;
        }

        /// <summary>Layers 1.. and the softmax, from layer 0's output at the start of <paramref name="scratch"/>. False when the
        /// result is not finite (an overflow: the caller rescores saturated).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every row: optimised from the first row, not after tiering
        private bool FinishFrom(float[] scratch, Span<float> probabilities)
        {
            int last = _weights.Length - 1;
            ReadOnlySpan<float> input = default;
            for (int l = 0; l <= last; l++)
            {
                var output = scratch.AsSpan(l % 2 == 0 ? 0 : _widest, _padded[l]);
                if (l > 0 && _blocks[l] == 1)
                {
                    var (rows, values) = NonZeros(input.Length);
                    Kernels.AccumulateNonZeros(input, _weights[l].AsSpan(), _biases[l], output, rows, values);
                }
                else if (l > 0)
                {
                    AccumulateBlocks(input, _weights[l].AsSpan(), _biases[l], output, _blocks[l], _outputs[l]);
                }
                if (l < last)
                {
                    var active = output.Slice(0, _outputs[l]);
                    _activation.Forward(active);
                    input = active;
                }
                else
                {
                    output.Slice(0, _outputs[l]).CopyTo(probabilities);
                }
            }
            if (_softmax)
                Activations.SoftMax(probabilities);
            return FiniteValues.AllFinite(probabilities);
        }

        /// <summary>
        /// The rare row whose float scoring overflowed (huge finite features or weights: ±∞, then ∞ − ∞ = NaN): the same
        /// network in double precision with every layer's output saturated to the float range, so that finite input never
        /// scores NaN. NaN input still scores NaN: there is no honest answer for it (an infinite feature does too, unless feature
        /// scaling saturated it to ±3).
        /// </summary>
        private void PredictSaturated(ReadOnlySpan<float> features, Span<float> probabilities)
        {
            var input = features.ToArray(); // a rare path: allocation is fine
            int last = _weights.Length - 1;
            for (int l = 0; l <= last; l++)
            {
                var weights = _weights[l].AsSpan();
                int padded = _padded[l];
                var output = new float[_outputs[l]];
                for (int o = 0; o < output.Length; o++)
                {
                    double sum = _biases[l][o];
                    for (int i = 0; i < input.Length; i++)
                        sum += (double)input[i] * weights[i * padded + o];
                    output[o] = Saturate(sum);
                }
                if (l < last)
                {
                    _activation.Forward(output);
                    for (int o = 0; o < output.Length; o++)
                        output[o] = Saturate(output[o]); // SELU scales MaxValue past the float range
                }
                input = output;
            }
            if (_softmax)
                Activations.SoftMax(input);
            input.CopyTo(probabilities);
        }

        [ThreadStatic]
        private static AlignedBuffer[] t_batchScratch;

        /// <summary>Floats of scratch a thread keeps between calls (64 MB); wider chunks (very wide inputs) get buffers of their own.</summary>
        private const int RetainedScratch = 16 << 20;

        /// <summary>Slot <paramref name="slot"/> of a thread's scratch, at least <paramref name="length"/> floats: reused up to
        /// <see cref="RetainedScratch"/> (grown, never shrunk), a transient buffer beyond, so no thread holds gigabytes afterwards.</summary>
        private static AlignedBuffer Scratch(AlignedBuffer[] scratch, int slot, int length)
        {
            if (scratch[slot] is { } buffer && buffer.Length >= length)
                return buffer;
            var fresh = new AlignedBuffer(length);
            if (length <= RetainedScratch)
                scratch[slot] = fresh;
            return fresh;
        }

        private static float Saturate(double value) => (float)Math.Clamp(value, -float.MaxValue, float.MaxValue);

        /// <summary>
        /// Class probabilities of many rows at once (row-major [count, in] → [count, classes]), block by block: the block's
        /// rows copied into aligned scratch, each layer one matrix product over the stored [in, padded out] weights — the
        /// managed <see cref="BatchKernel"/> where the CPU has AVX-512 (1.4× ONNX Runtime on AMD EPYC, where MKL gave 0.69×),
        /// else MKL's sgemm called directly (<see cref="Blas"/>; libtorch's addmm_ where libtorch exports no sgemm) over the
        /// real columns — then the managed activation in place. For bulk scoring, where one product over many rows beats row-at-a-time
        /// accumulation.
        /// </summary>
        /// <param name="rows">Row-major rows of <see cref="FeatureCount"/> values.</param>
        /// <param name="firstRow">First row to score.</param>
        /// <param name="count">Rows to score.</param>
        /// <param name="probabilities">Receives [count, classes] from row <paramref name="firstRow"/> on.</param>
        /// <param name="threads">Threads that may score blocks side by side (libtorch's intra-op count).</param>
        public void PredictBatch(float[] rows, int firstRow, int count, float[] probabilities, int threads = 1)
        {
            int widest = Math.Max(_inputs[0], _widest);
            bool kernel = BatchKernel.Supported && !BatchKernelDisabled, fast = kernel || Blas.Available;
            // Cache-sized blocks need products without per-call overhead; libtorch's own keep the old large chunks. Very wide
            // rows (text) take fewer at a time, so that a block stays within the scratch a thread keeps.
            int block = Math.Clamp(RetainedScratch / widest, 1, fast ? BatchRows : FallbackRows);
            int blocks = (count + block - 1) / block;
            void Score(int b) => PredictBlock(rows, firstRow + b * block, Math.Min(block, count - b * block), probabilities, kernel);
            // Blocks side by side (BLAS products on one MKL thread each; the managed kernel's bits depend on no thread count),
            // only where a block's scratch is small: a pool thread keeps its scratch, and wide rows are better served by MKL's
            // own threads over large blocks on the caller's thread.
            if (!fast || threads <= 1 || blocks <= 1 || (long)block * widest > SideBySideScratch)
            {
                for (int b = 0; b < blocks; b++)
                    Score(b);
                return;
            }
            try
            {
                var parallel = new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = threads };
                if (kernel)
                    System.Threading.Tasks.Parallel.For(0, blocks, parallel, Score);
                else
                    System.Threading.Tasks.Parallel.For(0, blocks, parallel,
                        () => Blas.SetThreadsOfThisThread(1),
                        (b, _, previous) => { Score(b); return previous; },
                        previous => Blas.SetThreadsOfThisThread(previous));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); // what the sequential path throws
            }
        }

        /// <summary>Tests only: bulk scoring multiplies with BLAS even where <see cref="BatchKernel"/> runs.</summary>
        internal static bool BatchKernelDisabled { get; set; }

        /// <summary>Most rows <see cref="PredictBatch"/> scores together: 256 rows of 784 inputs (the seed model) and their
        /// layers' outputs take ~1 MB, within a core's L2 cache; 4,096 at a time ran every pass from memory.</summary>
        internal const int BatchRows = 256;

        /// <summary>Rows per block without direct products: libtorch's per-call cost wants large blocks.</summary>
        private const int FallbackRows = 4096;

        /// <summary>Most floats of one block's widest layer for blocks to run side by side on pool threads (256 rows of 4,096
        /// values: 4 MB, three buffers of it kept per thread).</summary>
        private const long SideBySideScratch = 1 << 20;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // its per-row loops run from the first call: optimised from it, not after tiering
        private void PredictBlock(float[] rows, int firstRow, int count, float[] probabilities, bool kernel)
        {
            int last = _weights.Length - 1;
            // Scratch kept per thread and reused: fresh pinned buffers of this size cost more in page faults and zeroing
            // than the products themselves.
            var scratch = t_batchScratch ??= new AlignedBuffer[3];
            // The caller's rows start at any address: copied into aligned memory so the products' bits never depend on it.
            var input = Scratch(scratch, 0, count * _inputs[0]);
            int features = FeatureCount;
            if (_scaler == null)
                rows.AsSpan(firstRow * features, count * features).CopyTo(input.AsSpan(0, count * features));
            else // scaled into the aligned copy row by row, as Predict scales
                for (int r = 0; r < count; r++)
                    _scaler.Apply(rows.AsSpan((firstRow + r) * features, features), input.AsSpan(r * _inputs[0], _inputs[0]));
            int inputStride = _inputs[0];
            for (int l = 0; l <= last; l++)
            {
                int width = _outputs[l];
                // Slots 1 and 2 take the products in turn: [count, stride], activated in place, the next product's input. The
                // kernel fills whole panels (stores without masks: 1.3M against 1.1M rows/s for the seed model), the columns
                // past the real ones of no meaning and never read.
                int stride = kernel ? BatchKernel.PaddedColumns(width) : width;
                var output = Scratch(scratch, 1 + l % 2, count * (kernel ? BatchKernel.PaddedColumns(_widest) : _widest));
                if (kernel)
                {
                    BatchKernel.BiasPlusProduct(input.AsSpan(), inputStride, 1, _weights[l].AsSpan(), _padded[l], _kernelBiases[l], output.AsSpan(), stride,
                        count, _inputs[l], stride);
                }
                else
                {
                    var bias = _biases[l].AsSpan(0, width);
                    for (int r = 0; r < count; r++)
                        bias.CopyTo(output.AsSpan(r * width, width));
                    // Only the real columns of the stored [in, padded out] weights: their padded row length is the stride.
                    MatrixViews.MultiplyAddOnce(new MatrixOperand(output, 0, count, width), new MatrixOperand(input, 0, count, _inputs[l]),
                        new MatrixOperand(_weights[l], 0, _inputs[l], width, Stride: _padded[l]), beta: 1);
                }
                if (l < last)
                {
                    _activation.Forward(output.AsSpan(0, count * stride));
                    input = output;
                    inputStride = stride;
                }
                else
                {
                    for (int r = 0; r < count; r++)
                    {
                        var row = probabilities.AsSpan((firstRow + r) * width, width);
                        output.AsSpan(r * stride, width).CopyTo(row);
                        if (_softmax)
                            Activations.SoftMax(row);
                        if (!FiniteValues.AllFinite(row))
                            Predict(rows.AsSpan((firstRow + r) * features, features), row);
                    }
                }
            }
        }

        /// <summary>More than a quarter of the inputs non-zero: one dot product per output beats skipping zeros.</summary>
        private static bool IsDense(ReadOnlySpan<float> x) => CountNonZero(x) * 4 > x.Length;

        /// <summary>Non-zeros of <paramref name="x"/> (NaN counts, −0 does not), a vector of values at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every row: optimised from the first row, not after tiering
        private static int CountNonZero(ReadOnlySpan<float> x)
        {
            int i = 0, lanes = Vector<float>.Count;
            var zeros = Vector<int>.Zero;
            for (; i <= x.Length - lanes; i += lanes)
                zeros -= Vector.Equals(new Vector<float>(x.Slice(i, lanes)), Vector<float>.Zero); // −1 in each lane holding a zero
            int count = i - Vector.Sum(zeros);
            for (; i < x.Length; i++)
                if (x[i] != 0) count++;
            return count;
        }

        /// <summary>output[o] = bias[o] + W[o, :] · x (<see cref="Kernels.Dot"/>, two outputs at a time: <see cref="Kernels.DotPair"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs on every row: optimised from the first row, not after tiering
        private static void DotProducts(ReadOnlySpan<float> x, float[] rows, float[] bias, Span<float> output)
        {
            int o = 0, n = x.Length;
            for (; o + 2 <= output.Length; o += 2)
            {
                Kernels.DotPair(rows.AsSpan(o * n, n), rows.AsSpan((o + 1) * n, n), x, out float d0, out float d1);
                output[o] = d0 + bias[o];
                output[o + 1] = d1 + bias[o + 1];
            }
            for (; o < output.Length; o++)
                output[o] = Kernels.Dot(rows.AsSpan(o * n, n), x) + bias[o];
        }

        /// <summary>The most diagonal blocks [out, in] <paramref name="folded"/> splits into with every weight outside them exactly
        /// zero (2 or more: an averaged model's hidden layer), else 1.</summary>
        private static int DiagonalBlocks(float[] folded, int fanOut, int fanIn)
        {
            for (int k = Math.Min(fanOut, fanIn); k >= 2; k--)
            {
                if (fanOut % k != 0 || fanIn % k != 0)
                    continue;
                int outBlock = fanOut / k, inBlock = fanIn / k;
                bool zeroOutside = true;
                for (int o = 0; o < fanOut && zeroOutside; o++)
                {
                    int first = o / outBlock * inBlock;
                    for (int i = 0; i < fanIn; i++)
                        if ((i < first || i >= first + inBlock) && folded[o * fanIn + i] != 0)
                        {
                            zeroOutside = false;
                            break;
                        }
                }
                if (zeroOutside)
                    return k;
            }
            return 1;
        }

        /// <summary>A layer of <paramref name="blocks"/> diagonal blocks, bias then each non-zero input in order: each input adds to
        /// its own block's outputs only (the weights elsewhere are zero, so every output gets the sum
        /// <see cref="Kernels.AccumulateRows"/> would give it).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first, not after tiering
        private static void AccumulateBlocks(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, float[] bias, Span<float> output, int blocks, int outputs)
        {
            bias.CopyTo(output);
            int padded = output.Length, inBlock = x.Length / blocks, outBlock = outputs / blocks;
            for (int i = 0; i < x.Length; i++)
                if (x[i] != 0)
                {
                    int start = i / inBlock * outBlock;
                    Kernels.AddScaled(weights.Slice(i * padded + start, outBlock), x[i], output.Slice(start, outBlock));
                }
        }
    }
}
