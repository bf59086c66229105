using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The fast training path: the forward and backward passes. At batch 32 a small MLP is bound by per-operation
    /// overhead, not arithmetic, so this path runs a hand-derived backward pass with no autograd. Parameters live in a
    /// <see cref="ParameterStore"/>, activations in aligned buffers; the only native calls are the matrix products, in place
    /// over aligned buffers: MKL's sgemm called directly with libtorch's own arguments, or <c>addmm_</c> over cached
    /// zero-copy views (<see cref="MatrixViews"/>); every element-wise step — bias,
    /// batch norm, activation, dropout, softmax cross-entropy, the optimizer — is a managed SIMD pass. About 14 native
    /// calls per step for the seed network. Members of a fused ensemble are N blocks of every buffer. Sparse rows go
    /// through a <see cref="SparseFirstLayer"/> instead of a dense copy and the first product. Members that read the same
    /// dense batch (<see cref="TrainingSettings.SharedBatchOrder"/>) copy it once and share their first layer's two products:
    /// their kernels are one [in, N·out] matrix (<see cref="FlatLayout.FirstKernelsInterleaved"/>), so the forward product and
    /// the kernels' gradient are one wide product each per batch instead of N narrow ones (in managed code where the CPU has
    /// AVX-512: <see cref="BatchKernel"/>).
    /// </summary>
    internal sealed class FastTrainingNetwork : ITrainingNetwork
    {
        private readonly NetworkArchitecture _arch;
        private readonly ActivationFunction _activation;
        private readonly FlatLayout _layout;
        private readonly ParameterStore _store;
        private readonly MatrixViews _views = new();
        private readonly TrainingSettings _settings;
        private TrainingData _data;
        private readonly SparseFirstLayer _sparse;
        private readonly bool _lazy;
        private readonly bool _wide; // one first-layer product for all members (shared batches, dense rows)
        private readonly bool _kernelProducts; // forward products and kernel gradients in BatchKernel where it fits (shared batches, or asked for)
        private readonly AlignedBuffer _wideOutput, _wideGradient; // [batch, N·out]: the first layer's output and its gradient, members side by side
        private readonly float[] _zeros; // the kernel gradients' bias term (none: BatchKernel's zero bias of whole panels)
        private bool _ownRows; // this step's members read rows of their own (the last epochs of a shared order)
        private float[] _rowWeights;
        private readonly int _members, _batch, _scratchWidth, _workers;
        private readonly float[][] _mean, _invStd;
        private readonly AlignedBuffer _input, _logits, _gradA, _gradB; // everything libtorch touches is aligned (determinism)
        private readonly AlignedBuffer[] _z, _u, _y, _h;
        private readonly float[][] _xhat, _mask;
        private readonly float[] _scratch;
        private FastOptimizer _optimizer; // null once training has ended
        private readonly DropoutMasks _masks;
        private readonly (int Offset, int Length)[][] _memberRanges; // each member's parameters, updated after its backward pass; null = all at the end
        private readonly (int Offset, int Length)[] _firstKernels; // the interleaved first-layer kernels, updated after their shared product
        private double _learningRate;

        public FastTrainingNetwork(NetworkWeights[] members, TrainingSettings settings, TrainingData data, float[] rowWeights, DropoutMasks masks)
        {
            _arch = members[0].Architecture;
            _activation = ActivationFunction.For(_arch.Activation);
            _members = members.Length;
            _wide = settings.SharedBatchOrder && _members > 1 && data.Sparse == null && _arch.HiddenLayerSizes.Length > 0; // a linear model's layer 0 is its output
            _kernelProducts = _wide || settings.ManagedProducts;
            _store = new ParameterStore(_arch, _members, interleaveFirstKernels: _wide);
            _layout = _store.Layout;
            _settings = settings;
            _data = data;
            _rowWeights = rowWeights;
            _masks = masks;
            _batch = Math.Min(settings.BatchSize, data.RowCount);
            _optimizer = new FastOptimizer(settings, _layout.Total);
            if (data.Sparse != null)
            {
                _sparse = new SparseFirstLayer(data.Sparse, _store, _members, scatter: !settings.LazySparseUpdates);
                _lazy = settings.LazySparseUpdates;
            }

            int hidden = _arch.HiddenLayerSizes.Length;
            int widest = 1;
            _mean = new float[hidden][]; _invStd = new float[hidden][];
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
            // Sparse rows are never made dense. A block per member: members sharing their batches copy it once, into the first,
            // but the last epochs of a shared order give each its own rows.
            _input = _sparse == null ? new AlignedBuffer(_members * _batch * _arch.InputSize) : null;
            if (_wide)
            {
                _wideOutput = new AlignedBuffer(_batch * _members * _arch.LayerOutput(0));
                // + a panel: BatchKernel reads whole panels of the last row.
                _wideGradient = new AlignedBuffer(_batch * _members * _arch.LayerOutput(0) + BatchKernel.Lanes);
            }
            // Kernel gradients in BatchKernel start from a zero bias of whole panels.
            if (_kernelProducts)
                _zeros = new float[BatchKernel.PaddedColumns(Math.Max(_members * _arch.LayerOutput(0), Math.Max(widest, _arch.OutputSize)))];
            // + a panel: BatchKernel reads whole panels of a kernel gradient's last row.
            _logits = new AlignedBuffer(_members * _batch * _arch.OutputSize + BatchKernel.Lanes);
            _gradA = new AlignedBuffer(_members * _batch * widest + BatchKernel.Lanes);
            _gradB = new AlignedBuffer(_members * _batch * widest + BatchKernel.Lanes);
            _scratchWidth = Math.Max(widest, _arch.OutputSize);
            _scratch = new float[_members * _scratchWidth];
            _workers = Math.Max(1, Math.Min(settings.MemberThreads, _members));
            _store.Load(members);
            // Several members' optimizer state outgrows the L2 cache: each member is updated right after its backward pass,
            // while its parameters and gradients are still there. Clipping needs the whole gradient first; lazy updates their rows.
            if (_members > 1 && settings.GradientClipNorm == null && !_lazy)
            {
                if (_wide)
                    _firstKernels = new[] { (_layout.Weight[0], _arch.InputSize * _members * _arch.LayerOutput(0)) };
                _memberRanges = new (int, int)[_members][];
                for (int m = 0; m < _members; m++)
                    _memberRanges[m] = _layout.MemberBlocks(m).Where(b => !_wide || b.Offset < _layout.Weight[0]
                        || b.Offset >= _layout.Weight[0] + _arch.InputSize * _members * _arch.LayerOutput(0)).ToArray();
            }
        }

        [ThreadStatic]
        private static bool t_singleThreaded;

        public int MemberCount => _members;

        /// <summary>The flat parameters and last gradients (tests compare them with the autograd reference's; under lazy sparse updates
        /// the first layer's gradient rows are kept apart, see <see cref="SparseFirstLayer.TouchedGradient"/>).</summary>
        internal ParameterStore Store => _store;

        public NetworkWeights SnapshotMember(int m) => _store.Snapshot(m);

        /// <summary>Drops the gradients and the optimizer's moments (parameter-sized buffers: a text model's first layer alone is
        /// 768 MiB in each moment) and the views that hold them, and gives their memory back before the result is copied out.</summary>
        public void EndTraining()
        {
            if (_optimizer == null)
                return;
            _views.Dispose();
            _store.DropGradients();
            _optimizer = null;
            LargeMemory.Release(3L * _layout.Total);
        }

        public int FirstNonFiniteMember(bool[] ignore = null)
        {
            for (int m = 0; m < _members; m++)
            {
                if (ignore?[m] == true)
                    continue;
                foreach (var (offset, size) in _layout.MemberBlocks(m))
                    if (!FiniteValues.AllFinite(_store.Parameters.AsSpan(offset, size)))
                        return m;
                for (int l = 0; l < _arch.HiddenLayerSizes.Length; l++)
                    if (_layout.HasBatchNorm(l) && !(FiniteValues.AllFinite(_store.Statistic(_store.RunningMean, l, m))
                        && FiniteValues.AllFinite(_store.Statistic(_store.RunningVariance, l, m))))
                        return m;
            }
            return -1;
        }

        public void SetData(TrainingData data, float[] rowWeights)
        {
            if (data.FeatureCount != _arch.InputSize || (data.Sparse != null) != (_sparse != null))
                throw new ArgumentException("A block must have the first block's width and storage.", nameof(data));
            _data = data;
            _rowWeights = rowWeights;
            _sparse?.SetRows(data.Sparse);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public void Step(ReadOnlySpan<int> rows, int count, double learningRate, double[] lossSum, long[] correct)
        {
            if (_optimizer == null)
                throw new InvalidOperationException("Training has ended: this network takes no more steps.");
            // Every member's dropout masks first, in a fixed order, so results do not depend on how members are scheduled.
            for (int l = 0; l < _arch.HiddenLayerSizes.Length; l++)
                if (_mask[l] != null)
                    _masks.Fill(_mask[l].AsSpan(0, _members * count * _arch.HiddenLayerSizes[l]), _arch.DropoutRate);
            _sparse?.BeginStep();
            if (_memberRanges != null)
            {
                _optimizer.BeginStep();
                _learningRate = learningRate;
            }
            if (_wide)
                SharedFirstLayerForward(rows, count);

            // From here members share nothing (a shared first layer's product is done; its kernels' gradient and update come
            // after): with workers > 1 they run side by side (libtorch at 1 thread each), each updating its own parameters.
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

            if (_wide)
                SharedFirstLayerKernelGradients(count);
            if (_memberRanges != null)
            {
                if (_firstKernels != null)
                    _optimizer.Update(_store.Parameters.AsSpan(), _store.Gradients.AsSpan(), learningRate, _firstKernels);
                return;
            }
            if (_settings.GradientClipNorm is double maxNorm)
                ClipGradients(maxNorm);
            if (_lazy)
                LazyUpdate(learningRate);
            else
                _optimizer.Step(_store.Parameters.AsSpan(), _store.Gradients.AsSpan(), learningRate);
        }

        /// <summary>Forward and backward pass of member <paramref name="m"/> on its block of every buffer.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void StepMember(int m, ReadOnlySpan<int> rows, int count, double[] lossSum, long[] correct)
        {
            int d = _arch.InputSize, classes = _arch.OutputSize;
            var memberRows = rows.Slice(m * count, count);
            if (_sparse == null && !_wide)
                for (int r = 0; r < count; r++)
                    _data.Features.AsSpan(memberRows[r] * d, d).CopyTo(_input.AsSpan((m * count + r) * d, d));
            var scratch = _scratch.AsSpan(m * _scratchWidth, _scratchWidth);

            Forward(m, memberRows, count, scratch);
            var (loss, right) = _settings.Objective.LossAndGradient(_logits.AsSpan(m * count * classes, count * classes), count, memberRows,
                _data.Labels, _rowWeights);
            lossSum[m] += loss;
            correct[m] += right;
            Backward(m, memberRows, count, scratch); // the member's block of _logits now holds d(loss)/d(logits)
            if (_sparse != null && !_lazy)
                _sparse.ScatterGradients(m); // dense update semantics read every first-layer row
            if (_memberRanges != null)
                _optimizer.Update(_store.Parameters.AsSpan(), _store.Gradients.AsSpan(), _learningRate, _memberRanges[m]);
        }

        /// <summary>Member <paramref name="m"/>'s forward pass: every hidden block, then the output layer into <c>_logits</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Forward(int m, ReadOnlySpan<int> memberRows, int count, Span<float> scratch)
        {
            AlignedBuffer previous = _input;
            int previousWidth = _arch.InputSize;
            for (int l = 0; l < _arch.HiddenLayerSizes.Length; l++)
            {
                int width = _arch.HiddenLayerSizes[l], block = m * count * width, cells = count * width;
                if (l == 0 && _wide)
                    CopyColumns(_wideOutput.AsSpan(0, count * _members * width), m * width, _members * width, _z[0].AsSpan(block, cells), 0, width, count, width);
                else
                    Linear(l, m, previous, previousWidth, _z[l], count, memberRows);
                if (_layout.HasBatchNorm(l))
                    Kernels.BatchNormForward(_z[l].AsSpan(block, cells), _xhat[l].AsSpan(block, cells), _u[l].AsSpan(block, cells), count,
                        _store.Param(_layout.Gamma[l], m, width), _store.Param(_layout.Beta[l], m, width), _mean[l].AsSpan(m * width, width), _invStd[l].AsSpan(m * width, width),
                        _store.Statistic(_store.RunningMean, l, m), _store.Statistic(_store.RunningVariance, l, m), scratch);
                _activation.Forward(_u[l].AsSpan(block, cells), _y[l].AsSpan(block, cells));
                if (_mask[l] != null)
                    TensorPrimitives.Multiply(_y[l].AsSpan(block, cells), _mask[l].AsSpan(block, cells), _h[l].AsSpan(block, cells));
                previous = _h[l];
                previousWidth = width;
            }
            Linear(_arch.HiddenLayerSizes.Length, m, previous, previousWidth, _logits, count, memberRows);
        }

        /// <summary>Member <paramref name="m"/>'s backward pass from d(loss)/d(logits) in <c>_logits</c>: every layer's
        /// parameter gradients, the gradient passed down through <c>_gradA</c> and <c>_gradB</c> in turn.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Backward(int m, ReadOnlySpan<int> memberRows, int count, Span<float> scratch)
        {
            int last = _arch.HiddenLayerSizes.Length;
            AlignedBuffer grad = _logits, spare = _gradA;
            for (int l = last; l >= 0; l--)
            {
                int width = _arch.LayerOutput(l), fanIn = _arch.LayerInput(l), block = m * count * width, cells = count * width;
                if (l < last)
                    HiddenBackward(l, m, grad.AsSpan(block, cells), count, scratch);
                // dW = inputᵀ · dz ; db = Σ_rows dz ; d input = dz · Wᵀ
                if (l == 0 && _sparse != null)
                    _sparse.Backward(m, memberRows, grad.AsSpan(block, cells));
                else if (l == 0 && _wide) // the kernels' gradient comes from one product for all members after the last one
                    CopyColumns(grad.AsSpan(block, cells), 0, width, _wideGradient.AsSpan(0, count * _members * width), m * width, _members * width, count, width);
                else if (_kernelProducts && KernelFits(grad.AsSpan(block), width, _zeros, count, width)) // inputᵀ: row i of the product is input column i
                    BatchKernel.BiasPlusProduct((l == 0 ? _input : _h[l - 1]).AsSpan(m * count * fanIn), 1, fanIn, grad.AsSpan(block), width, _zeros,
                        _store.Gradients.AsSpan(_store.KernelOffset(l, m), fanIn * width), width, fanIn, count, width);
                else
                    _views.MultiplyAdd(_store.Gradients, _store.KernelOffset(l, m), fanIn, width,
                        new MatrixOperand(l == 0 ? _input : _h[l - 1], m * count * fanIn, count, fanIn, Transposed: true), new MatrixOperand(grad, block, count, width), beta: 0);
                Kernels.SumRows(grad.AsSpan(block, cells), _store.Grad(_layout.Bias[l], m, width), count);
                if (l > 0)
                {
                    _views.MultiplyAdd(spare, m * count * fanIn, count, fanIn,
                        new MatrixOperand(grad, block, count, width), new MatrixOperand(_store.Parameters, _store.KernelOffset(l, m), fanIn, width, Transposed: true), beta: 0);
                    var used = grad;
                    grad = spare;
                    spare = ReferenceEquals(used, _logits) ? _gradB : used;
                }
            }
        }

        /// <summary>Hidden block <paramref name="l"/> backward, in place over <paramref name="grad"/> (member <paramref name="m"/>'s
        /// block): dropout, activation, batch norm (whose γ and β gradients it writes); dy in, dz out.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void HiddenBackward(int l, int m, Span<float> grad, int count, Span<float> scratch)
        {
            int width = _arch.HiddenLayerSizes[l], block = m * count * width, cells = count * width;
            if (_mask[l] != null)
                TensorPrimitives.Multiply(grad, _mask[l].AsSpan(block, cells), grad);
            _activation.Backward(grad, _u[l].AsSpan(block, cells), _y[l].AsSpan(block, cells));
            if (_layout.HasBatchNorm(l))
                Kernels.BatchNormBackward(grad, _xhat[l].AsSpan(block, cells), count,
                    _store.Param(_layout.Gamma[l], m, width), _invStd[l].AsSpan(m * width, width),
                    _store.Grad(_layout.Gamma[l], m, width), _store.Grad(_layout.Beta[l], m, width), scratch);
        }

        /// <summary>output = bias + input · W for member <paramref name="m"/>: in <see cref="BatchKernel"/> where asked for and it
        /// fits, else bias broadcast in managed code and the product by BLAS; from the sparse rows for the first layer of sparse data.</summary>
        private void Linear(int layer, int m, AlignedBuffer input, int fanIn, AlignedBuffer output, int count, ReadOnlySpan<int> memberRows)
        {
            int width = _arch.LayerOutput(layer);
            var block = output.AsSpan(m * count * width, count * width);
            var kernel = _store.Parameters.AsSpanWithSlack(_store.KernelOffset(layer, m));
            var bias = _store.Parameters.AsSpanWithSlack(_layout.Bias[layer] + m * width);
            if (_kernelProducts && !(layer == 0 && _sparse != null) && KernelFits(kernel, width, bias, fanIn, width))
            {
                BatchKernel.BiasPlusProduct(input.AsSpan(m * count * fanIn), fanIn, 1, kernel, width, bias, block, width, count, fanIn, width);
                return;
            }
            Kernels.FillRows(block, bias.Slice(0, width), count);
            if (layer == 0 && _sparse != null)
                _sparse.Forward(m, memberRows, block);
            else
                _views.MultiplyAdd(output, m * count * width, count, width,
                    new MatrixOperand(input, m * count * fanIn, count, fanIn), new MatrixOperand(_store.Parameters, _store.KernelOffset(layer, m), fanIn, width), beta: 1);
        }

        /// <summary>
        /// The shared batch's first layer for every member at once: its rows copied once, then [count, N·out] = bias + input ·
        /// the [in, N·out] kernels in one product; each member's Forward takes its columns. Members with rows of their own (the
        /// last epochs of a shared order) go member by member instead (<see cref="OwnRowsFirstLayerForward"/>).
        /// </summary>
        private void SharedFirstLayerForward(ReadOnlySpan<int> rows, int count)
        {
            int d = _arch.InputSize, width = _members * _arch.LayerOutput(0);
            var shared = rows.Slice(0, count);
            _ownRows = false;
            for (int m = 1; m < _members && !_ownRows; m++)
                _ownRows = !rows.Slice(m * count, count).SequenceEqual(shared);
            if (_ownRows)
            {
                OwnRowsFirstLayerForward(rows, count);
                return;
            }
            for (int r = 0; r < count; r++)
                _data.Features.AsSpan(shared[r] * d, d).CopyTo(_input.AsSpan(r * d, d));
            // Members' biases are consecutive, so they are already the wide layer's bias.
            var bias = _store.Parameters.AsSpanWithSlack(_layout.Bias[0]);
            var kernels = _store.Parameters.AsSpanWithSlack(_layout.Weight[0]);
            if (KernelFits(kernels, width, bias, d, width))
            {
                BatchKernel.BiasPlusProduct(_input.AsSpan(), d, 1, kernels, width, bias, _wideOutput.AsSpan(), width, count, d, width);
                return;
            }
            Kernels.FillRows(_wideOutput.AsSpan(0, count * width), bias.Slice(0, width), count);
            _views.MultiplyAdd(_wideOutput, 0, count, width, new MatrixOperand(_input, 0, count, d), new MatrixOperand(_store.Parameters, _layout.Weight[0], d, width), beta: 1);
        }

        /// <summary>
        /// Whether a product runs in <see cref="BatchKernel"/> (where the CPU has AVX-512; 2× MKL's speed on AMD EPYC for these
        /// shapes): the wide first layer's two, and each layer's forward product and kernel gradient (not the gradients passed
        /// down: their weights are read transposed), when <see cref="TrainingSettings.ManagedProducts"/> asks for it or members
        /// share their batch order on dense rows with a hidden layer (<c>_wide</c>) — options that change what a seed trains
        /// anyway. Otherwise MKL's products, and their bits (run by <see cref="SgemmReplica"/> in the same kernel where it can
        /// give them). The kernel reads whole 16-float panels of each row of
        /// <paramref name="b"/> and of <paramref name="bias"/>: the parameters carry a panel of slack, the activation-gradient
        /// buffers too. Those reads may reach into the next member's block while another worker writes it (members side by side):
        /// the lanes read there are computed and dropped, never stored, so no result depends on them.
        /// </summary>
        private static bool KernelFits(ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias, int inputs, int columns)
        {
            int panels = BatchKernel.PaddedColumns(columns);
            return BatchKernel.Supported && !KernelProductsDisabled && bias.Length >= panels && b.Length >= (long)(inputs - 1) * ldb + panels;
        }

        /// <summary>Tests only: every training product is BLAS's even where <see cref="BatchKernel"/> would run.</summary>
        internal static bool KernelProductsDisabled { get; set; }

        /// <summary>Every member's first-layer kernel gradient, [in, N·out] = inputᵀ · the members' gradients side by side.</summary>
        private void SharedFirstLayerKernelGradients(int count)
        {
            int d = _arch.InputSize, width = _members * _arch.LayerOutput(0);
            var gradient = _wideGradient.AsSpan();
            if (_ownRows)
            {
                OwnRowsFirstLayerKernelGradients(count);
                return;
            }
            if (KernelFits(gradient, width, _zeros, count, width))
            {
                // inputᵀ: row i of the product is input column i, its values d apart.
                BatchKernel.BiasPlusProduct(_input.AsSpan(), 1, d, gradient, width, _zeros, _store.Gradients.AsSpan(_layout.Weight[0], d * width), width, d, count, width);
                return;
            }
            _views.MultiplyAdd(_store.Gradients, _layout.Weight[0], d, width,
                new MatrixOperand(_input, 0, count, d, Transposed: true), new MatrixOperand(_wideGradient, 0, count, width), beta: 0);
        }

        /// <summary>
        /// The first layer of members stepping on rows of their own over the interleaved kernels (the last epochs of a shared order, in which each member
        /// shuffles on its own, <see cref="EpochPass"/>): member by member, its rows copied into its block of the input, its
        /// columns of the [in, N·out] kernels times them into its columns of the wide output.
        /// </summary>
        private void OwnRowsFirstLayerForward(ReadOnlySpan<int> rows, int count)
        {
            int d = _arch.InputSize, own = _arch.LayerOutput(0), width = _members * own;
            for (int m = 0; m < _members; m++)
            {
                for (int r = 0; r < count; r++)
                    _data.Features.AsSpan(rows[m * count + r] * d, d).CopyTo(_input.AsSpan((m * count + r) * d, d));
                var kernels = _store.Parameters.AsSpanWithSlack(_layout.Weight[0] + m * own);
                var bias = _store.Parameters.AsSpanWithSlack(_layout.Bias[0] + m * own);
                if (KernelFits(kernels, width, bias, d, own))
                {
                    BatchKernel.BiasPlusProduct(_input.AsSpan(m * count * d), d, 1, kernels, width, bias, _wideOutput.AsSpan(m * own), width, count, d, own);
                    continue;
                }
                for (int r = 0; r < count; r++)
                    bias.Slice(0, own).CopyTo(_wideOutput.AsSpan(r * width + m * own, own));
                _views.MultiplyAdd(new MatrixOperand(_wideOutput, m * own, count, own, Stride: width), new MatrixOperand(_input, m * count * d, count, d),
                    new MatrixOperand(_store.Parameters, _layout.Weight[0] + m * own, d, own, Stride: width), beta: 1);
            }
        }

        /// <summary>Each member's first-layer kernel gradient from its own rows: its columns of [in, N·out] = its inputᵀ · its gradient columns.</summary>
        private void OwnRowsFirstLayerKernelGradients(int count)
        {
            int d = _arch.InputSize, own = _arch.LayerOutput(0), width = _members * own;
            for (int m = 0; m < _members; m++)
            {
                var gradient = _wideGradient.AsSpan(m * own);
                if (KernelFits(gradient, width, _zeros, count, own))
                {
                    BatchKernel.BiasPlusProduct(_input.AsSpan(m * count * d), 1, d, gradient, width, _zeros, _store.Gradients.AsSpan(_layout.Weight[0] + m * own),
                        width, d, count, own);
                    continue;
                }
                _views.MultiplyAdd(new MatrixOperand(_store.Gradients, _layout.Weight[0] + m * own, d, own, Stride: width),
                    new MatrixOperand(_input, m * count * d, count, d, Transposed: true), new MatrixOperand(_wideGradient, m * own, count, own, Stride: width), beta: 0);
            }
        }

        /// <summary>Copies a [rows, columns] block from <paramref name="source"/> (its rows <paramref name="sourceStride"/> apart,
        /// from column <paramref name="sourceColumn"/>) to <paramref name="destination"/> (likewise).</summary>
        private static void CopyColumns(ReadOnlySpan<float> source, int sourceColumn, int sourceStride, Span<float> destination, int destinationColumn,
            int destinationStride, int rows, int columns)
        {
            for (int r = 0; r < rows; r++)
                source.Slice(r * sourceStride + sourceColumn, columns).CopyTo(destination.Slice(r * destinationStride + destinationColumn, columns));
        }

        /// <summary>One lazy step (TensorFlow's LazyAdam): every parameter but the first layer's kernels, then the kernel rows the
        /// step touched, each from its gradient kept apart by the sparse layer.</summary>
        private void LazyUpdate(double learningRate)
        {
            _optimizer.BeginStep();
            int firstKernels = _store.KernelOffset(0, _members); // layer 0's kernels of all members come first in the layout
            _optimizer.Update(_store.Parameters.AsSpan(), _store.Gradients.AsSpan(), learningRate, stackalloc (int, int)[] { (firstKernels, _layout.Total - firstKernels) });
            int width = _arch.LayerOutput(0);
            for (int m = 0; m < _members; m++)
            {
                var touched = _sparse.TouchedRows(m);
                for (int k = 0; k < touched.Length; k++)
                    _optimizer.UpdateBlock(_store.Parameters.AsSpan(), _sparse.TouchedGradient(m, k), _store.KernelOffset(0, m) + touched[k] * width, learningRate);
            }
        }

        /// <summary>Scales each member's whole gradient to at most <paramref name="maxNorm"/> (L2), members independent.</summary>
        private void ClipGradients(double maxNorm)
        {
            for (int m = 0; m < _members; m++)
            {
                double factor = Math.Min(1.0, maxNorm / (Math.Sqrt(VisitGradient(m, 1f)) + 1e-6));
                if (factor < 1)
                    VisitGradient(m, (float)factor);
            }
        }

        /// <summary>
        /// Member <paramref name="m"/>'s gradient, block by block — with sparse rows only the touched rows of the first kernel (the
        /// rest of it is zero), where the optimizer will read them (kept apart under lazy updates, else scattered into the
        /// buffer): returns its sum of squares when <paramref name="scale"/> is 1, else multiplies it by the scale.
        /// Spans straight over the touched rows, so a clipped sparse step allocates nothing per row.
        /// </summary>
        private double VisitGradient(int m, float scale)
        {
            var gradients = _store.Gradients;
            int firstKernel = _store.KernelOffset(0, m), width = _arch.LayerOutput(0);
            double squares = 0;
            foreach (var (offset, size) in _layout.MemberBlocks(m))
            {
                if (_sparse == null || offset != firstKernel)
                    Visit(gradients.AsSpan(offset, size));
                else if (_lazy)
                    for (int k = 0; k < _sparse.TouchedRows(m).Length; k++)
                        Visit(_sparse.TouchedGradient(m, k));
                else
                    foreach (int i in _sparse.TouchedRows(m))
                        Visit(gradients.AsSpan(firstKernel + i * width, width));
            }
            return squares;

            void Visit(Span<float> block)
            {
                if (scale == 1f)
                    squares += TensorPrimitives.SumOfSquares(block);
                else
                    TensorPrimitives.Multiply(block, scale, block);
            }
        }

        public void Dispose() => _views.Dispose();
    }
}
