using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The fast training path. At batch 32 a small MLP is bound by per-operation overhead, not arithmetic, so this path
    /// runs a hand-derived backward pass with no autograd: parameters, gradients and activations live in managed arrays
    /// that libtorch sees through zero-copy tensors (<c>from_array</c>); only the matrix products go to libtorch, as
    /// in-place <c>addmm_</c> into those arrays (no allocation), and every element-wise step — bias, batch norm,
    /// activation, dropout, softmax cross-entropy, the optimizer — is one managed SIMD pass. About 14 native calls per step
    /// for the seed network, against several hundred on the autograd path. Members of a fused ensemble are N blocks.
    /// </summary>
    internal sealed class FastTrainingNetwork : ITrainingNetwork
    {
        private readonly NetworkArchitecture _arch;
        private readonly FlatLayout _layout;
        private readonly TrainingSettings _settings;
        private readonly TrainingData _data;
        private readonly float[] _rowWeights;
        private readonly int _members, _batch, _scratchWidth, _workers;
        private readonly AlignedBuffer _parameters, _gradients; // everything libtorch touches is 64-byte aligned (determinism)
        private readonly float[][] _runningMean, _runningVariance, _mean, _invStd;
        private readonly AlignedBuffer _input, _logits, _gradA, _gradB;
        private readonly float[] _scratch;
        private readonly AlignedBuffer[] _z, _u, _y, _h;
        private readonly float[][] _xhat, _mask;
        private readonly FastOptimizer _optimizer;
        private readonly DropoutMasks _masks;
        private readonly Dictionary<(AlignedBuffer Buffer, int Offset, int Rows, int Columns, bool Transposed), Tensor> _views = new();

        public FastTrainingNetwork(NetworkWeights[] members, TrainingSettings settings, TrainingData data, float[] rowWeights, DropoutMasks masks)
        {
            _arch = members[0].Architecture;
            _members = members.Length;
            _layout = new FlatLayout(_arch, _members);
            _settings = settings;
            _data = data;
            _rowWeights = rowWeights;
            _masks = masks;
            _batch = Math.Min(settings.BatchSize, data.RowCount);
            _parameters = new AlignedBuffer(_layout.Total);
            _gradients = new AlignedBuffer(_layout.Total);
            _optimizer = new FastOptimizer(settings, _layout.Total);

            int hidden = _arch.HiddenLayerSizes.Length;
            int widest = 1;
            _runningMean = new float[hidden][]; _runningVariance = new float[hidden][]; _mean = new float[hidden][]; _invStd = new float[hidden][];
            _z = new AlignedBuffer[hidden]; _xhat = new float[hidden][]; _u = new AlignedBuffer[hidden]; _y = new AlignedBuffer[hidden]; _mask = new float[hidden][]; _h = new AlignedBuffer[hidden];
            for (int l = 0; l < hidden; l++)
            {
                int width = _arch.HiddenLayerSizes[l], cells = _members * _batch * width;
                widest = Math.Max(widest, width);
                _z[l] = new AlignedBuffer(cells);
                _y[l] = new AlignedBuffer(cells);
                if (_layout.HasBatchNorm(l))
                {
                    _xhat[l] = new float[cells];
                    _u[l] = new AlignedBuffer(cells);
                    _runningMean[l] = new float[_members * width];
                    _runningVariance[l] = new float[_members * width];
                    _mean[l] = new float[_members * width];
                    _invStd[l] = new float[_members * width];
                }
                else
                {
                    _u[l] = _z[l]; // the activation's input is the Linear output itself
                }
                _mask[l] = _arch.DropoutRate > 0 ? new float[cells] : null;
                _h[l] = _arch.DropoutRate > 0 ? new AlignedBuffer(cells) : _y[l];
            }
            _input = new AlignedBuffer(_members * _batch * _arch.InputSize);
            _logits = new AlignedBuffer(_members * _batch * _arch.ClassCount);
            _gradA = new AlignedBuffer(_members * _batch * widest);
            _gradB = new AlignedBuffer(_members * _batch * widest);
            _scratchWidth = Math.Max(widest, _arch.ClassCount);
            _scratch = new float[_members * _scratchWidth];
            _workers = Math.Max(1, Math.Min(settings.MemberThreads, _members));
            Load(members);
        }

        [ThreadStatic]
        private static bool t_singleThreaded;

        public int MemberCount => _members;

        public float[] FlatParameters() => _parameters.ToArray();

        public float[] FlatGradients() => _gradients.ToArray();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public void Step(ReadOnlySpan<int> rows, int count, double learningRate, double[] lossSum, long[] correct)
        {
            // Every member's dropout masks first, in a fixed order, so results do not depend on how members are scheduled.
            for (int l = 0; l < _arch.HiddenLayerSizes.Length; l++)
                if (_mask[l] != null)
                    _masks.Fill(_mask[l].AsSpan(0, _members * count * _arch.HiddenLayerSizes[l]), _arch.DropoutRate);

            // Members share nothing until the optimizer: with workers > 1 they run side by side (libtorch at 1 thread each).
            if (_workers > 1)
            {
                var batch = rows.ToArray();
                System.Threading.Tasks.Parallel.For(0, _members, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = _workers },
                    m =>
                    {
                        // OpenMP's thread count is per calling thread: a pool thread would otherwise run MKL on every core,
                        // oversubscribed and with another summation order than the sequential run.
                        if (!t_singleThreaded)
                        {
                            set_num_threads(1);
                            t_singleThreaded = true;
                        }
                        StepMember(m, batch, count, lossSum, correct);
                    });
            }
            else
            {
                for (int m = 0; m < _members; m++)
                    StepMember(m, rows, count, lossSum, correct);
            }

            if (_settings.GradientClipNorm is double maxNorm)
                ClipGradients(maxNorm);
            _optimizer.Step(_parameters.AsSpan(), _gradients.AsSpan(), learningRate);
        }

        /// <summary>Forward and backward pass of member <paramref name="m"/> on its block of every buffer.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void StepMember(int m, ReadOnlySpan<int> rows, int count, double[] lossSum, long[] correct)
        {
            int d = _arch.InputSize, hidden = _arch.HiddenLayerSizes.Length, classes = _arch.ClassCount;
            var memberRows = rows.Slice(m * count, count);
            for (int r = 0; r < count; r++)
                _data.Features.AsSpan(memberRows[r] * d, d).CopyTo(_input.AsSpan((m * count + r) * d, d));
            var scratch = _scratch.AsSpan(m * _scratchWidth, _scratchWidth);

            // Forward.
            AlignedBuffer previous = _input;
            int previousWidth = d;
            for (int l = 0; l < hidden; l++)
            {
                int width = _arch.HiddenLayerSizes[l], block = m * count * width, cells = count * width;
                Linear(l, m, previous, previousWidth, _z[l], count);
                if (_layout.HasBatchNorm(l))
                    Kernels.BatchNormForward(_z[l].AsSpan(block, cells), _xhat[l].AsSpan(block, cells), _u[l].AsSpan(block, cells), count,
                        Param(_layout.Gamma[l], m, width), Param(_layout.Beta[l], m, width), _mean[l].AsSpan(m * width, width), _invStd[l].AsSpan(m * width, width),
                        _runningMean[l].AsSpan(m * width, width), _runningVariance[l].AsSpan(m * width, width), scratch);
                Activations.Apply(_arch.Activation, _u[l].AsSpan(block, cells), _y[l].AsSpan(block, cells));
                if (_mask[l] != null)
                    TensorPrimitives.Multiply(_y[l].AsSpan(block, cells), _mask[l].AsSpan(block, cells), _h[l].AsSpan(block, cells));
                previous = _h[l];
                previousWidth = width;
            }
            int last = hidden;
            Linear(last, m, previous, previousWidth, _logits, count);
            var (loss, right) = Kernels.SoftmaxCrossEntropy(_logits.AsSpan(m * count * classes, count * classes), count, classes,
                memberRows, _data.Labels, _rowWeights);
            lossSum[m] += loss;
            correct[m] += right;

            // Backward: the member's block of _logits now holds d(loss)/d(logits).
            AlignedBuffer grad = _logits, spare = _gradA;
            for (int l = last; l >= 0; l--)
            {
                int width = _arch.LayerOutput(l), fanIn = _arch.LayerInput(l), block = m * count * width, cells = count * width;
                if (l < last)
                {
                    if (_mask[l] != null)
                        TensorPrimitives.Multiply(grad.AsSpan(block, cells), _mask[l].AsSpan(block, cells), grad.AsSpan(block, cells));
                    Kernels.ActivationBackward(_arch.Activation, grad.AsSpan(block, cells), _u[l].AsSpan(block, cells), _y[l].AsSpan(block, cells));
                    if (_layout.HasBatchNorm(l))
                        Kernels.BatchNormBackward(grad.AsSpan(block, cells), _xhat[l].AsSpan(block, cells), count,
                            Param(_layout.Gamma[l], m, width), _invStd[l].AsSpan(m * width, width),
                            Grad(_layout.Gamma[l], m, width), Grad(_layout.Beta[l], m, width), scratch);
                }
                // dW = inputᵀ · dz ; db = Σ_rows dz ; d input = dz · Wᵀ
                AlignedBuffer layerInput = l == 0 ? _input : _h[l - 1];
                Gemm(_gradients, _layout.Weight[l] + m * fanIn * width, fanIn, width,
                    View(layerInput, m * count * fanIn, count, fanIn, transposed: true), View(grad, block, count, width), beta: 0);
                Kernels.SumRows(grad.AsSpan(block, cells), Grad(_layout.Bias[l], m, width), count);
                if (l > 0)
                {
                    Gemm(spare, m * count * fanIn, count, fanIn,
                        View(grad, block, count, width), View(_parameters, _layout.Weight[l] + m * fanIn * width, fanIn, width, transposed: true), beta: 0);
                    var used = grad;
                    grad = spare;
                    spare = ReferenceEquals(used, _logits) ? _gradB : used;
                }
            }
        }

        /// <summary>output = bias + input · W for member <paramref name="m"/> (bias broadcast in managed code, product by addmm_).</summary>
        private void Linear(int layer, int m, AlignedBuffer input, int fanIn, AlignedBuffer output, int count)
        {
            int width = _arch.LayerOutput(layer);
            Kernels.FillRows(output.AsSpan(m * count * width, count * width), Param(_layout.Bias[layer], m, width), count);
            Gemm(output, m * count * width, count, width,
                View(input, m * count * fanIn, count, fanIn), View(_parameters, _layout.Weight[layer] + m * fanIn * width, fanIn, width), beta: 1);
        }

        private void Gemm(AlignedBuffer output, int offset, int rows, int columns, Tensor a, Tensor b, float beta) =>
            View(output, offset, rows, columns).addmm_(a, b, beta, 1);

        /// <summary>A cached zero-copy [rows, columns] tensor over part of a managed buffer (optionally transposed).</summary>
        private Tensor View(AlignedBuffer buffer, int offset, int rows, int columns, bool transposed = false)
        {
            var key = (buffer, offset, rows, columns, transposed);
            lock (_views) // members may run on several threads; views are created once and then only read
                return _views.TryGetValue(key, out var view) ? view : CreateView(key);
        }

        private Tensor CreateView((AlignedBuffer Buffer, int Offset, int Rows, int Columns, bool Transposed) key)
        {
            var view = key.Buffer.Matrix(key.Offset, key.Rows, key.Columns, key.Transposed);
            _views[key] = view;
            return view;
        }

        private Span<float> Param(int offset, int member, int width) => _parameters.AsSpan(offset + member * width, width);

        private Span<float> Grad(int offset, int member, int width) => _gradients.AsSpan(offset + member * width, width);

        /// <summary>Scales each member's whole gradient to at most <paramref name="maxNorm"/> (L2), members independent.</summary>
        private void ClipGradients(double maxNorm)
        {
            for (int m = 0; m < _members; m++)
            {
                double squares = 0;
                foreach (var (offset, size) in MemberBlocks(m))
                    squares += TensorPrimitives.SumOfSquares(_gradients.AsSpan(offset, size));
                double factor = Math.Min(1.0, maxNorm / (Math.Sqrt(squares) + 1e-6));
                if (factor < 1)
                    foreach (var (offset, size) in MemberBlocks(m))
                        TensorPrimitives.Multiply(_gradients.AsSpan(offset, size), (float)factor, _gradients.AsSpan(offset, size));
            }
        }

        private IEnumerable<(int Offset, int Size)> MemberBlocks(int m)
        {
            for (int l = 0; l < _arch.LayerCount; l++)
            {
                int fanIn = _arch.LayerInput(l), width = _arch.LayerOutput(l);
                yield return (_layout.Weight[l] + m * fanIn * width, fanIn * width);
                yield return (_layout.Bias[l] + m * width, width);
                if (_layout.HasBatchNorm(l))
                {
                    yield return (_layout.Gamma[l] + m * width, width);
                    yield return (_layout.Beta[l] + m * width, width);
                }
            }
        }

        private void Load(NetworkWeights[] members)
        {
            for (int m = 0; m < _members; m++)
                for (int l = 0; l < _arch.LayerCount; l++)
                {
                    var layer = members[m].Layers[l];
                    int fanIn = _arch.LayerInput(l), width = _arch.LayerOutput(l);
                    var kernel = _parameters.AsSpan(_layout.Weight[l] + m * fanIn * width, fanIn * width);
                    for (int o = 0; o < width; o++)
                        for (int i = 0; i < fanIn; i++)
                            kernel[i * width + o] = layer.Weight[o * fanIn + i]; // saved [out, in] → training [in, out]
                    layer.Bias.CopyTo(Param(_layout.Bias[l], m, width));
                    if (_layout.HasBatchNorm(l))
                    {
                        layer.Gamma.CopyTo(Param(_layout.Gamma[l], m, width));
                        layer.Beta.CopyTo(Param(_layout.Beta[l], m, width));
                        layer.RunningMean.CopyTo(_runningMean[l].AsSpan(m * width, width));
                        layer.RunningVariance.CopyTo(_runningVariance[l].AsSpan(m * width, width));
                    }
                }
        }

        public NetworkWeights SnapshotMember(int m)
        {
            var layers = new LayerWeights[_arch.LayerCount];
            for (int l = 0; l < layers.Length; l++)
            {
                int fanIn = _arch.LayerInput(l), width = _arch.LayerOutput(l);
                var kernel = _parameters.AsSpan(_layout.Weight[l] + m * fanIn * width, fanIn * width);
                var weight = new float[fanIn * width];
                for (int i = 0; i < fanIn; i++)
                    for (int o = 0; o < width; o++)
                        weight[o * fanIn + i] = kernel[i * width + o];
                layers[l] = new LayerWeights { Weight = weight, Bias = Param(_layout.Bias[l], m, width).ToArray() };
                if (_layout.HasBatchNorm(l))
                {
                    layers[l].Gamma = Param(_layout.Gamma[l], m, width).ToArray();
                    layers[l].Beta = Param(_layout.Beta[l], m, width).ToArray();
                    layers[l].RunningMean = _runningMean[l].AsSpan(m * width, width).ToArray();
                    layers[l].RunningVariance = _runningVariance[l].AsSpan(m * width, width).ToArray();
                }
            }
            return new NetworkWeights(_arch, layers);
        }

        public void Dispose()
        {
            foreach (var view in _views.Values)
                view.Dispose();
            _views.Clear();
        }
    }
}
