using System;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What every model of this package shares, whatever it holds (one network, a voting ensemble, a stacking ensemble):
    /// ML.NET's value-mapper plumbing (a feature vector of known length in, the Score column's type out), the save step
    /// (ML.NET's prefix, the model's header, then its own bytes: docs/model-format.md), the ONNX hooks and disposal.
    /// <see cref="MlpModelParametersBase{TOutput}"/>, <see cref="VotingModelParametersBase{TOutput}"/> and
    /// <see cref="StackingModelParametersBase{TOutput}"/> add what they hold; each model adds its header and its head (how
    /// the output becomes the Score column).
    /// </summary>
    /// <typeparam name="TOutput">The Score column's type: a vector for multiclass, a single value for binary and regression.</typeparam>
    public abstract class ValueMapperModelParametersBase<TOutput> : ModelParametersBase<TOutput>, IValueMapper, ISingleCanSaveOnnx, IDisposable, IPackageModel
    {
        private VectorDataViewType _inputType;
        private DataViewType _outputType;

        // Both constructors are private protected: only this package's models derive from this class.
        private protected ValueMapperModelParametersBase(IHostEnvironment env, string registrationName)
            : base(env, registrationName)
        {
        }

        // ML.NET's base constructor reads its own prefix (sizeof(float)); the derived model reads the rest by format version.
        private protected ValueMapperModelParametersBase(IHostEnvironment env, string registrationName, ModelLoadContext ctx)
            : base(env, registrationName, ctx)
        {
        }

        /// <summary>Length of the feature vector the model scores.</summary>
        public int NumberOfFeatures => _inputType.Size;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => _outputType;

        /// <summary>Sets the column types; every constructor of a derived model calls it once it knows the shape.</summary>
        /// <param name="featureCount">Length of the feature vector.</param>
        /// <param name="outputWidth">Length of a vector Score (the class count); unused for a single-value Score.</param>
        private protected void SetShape(int featureCount, int outputWidth)
        {
            _inputType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
            _outputType = typeof(TOutput) == typeof(float)
                ? NumberDataViewType.Single
                : new VectorDataViewType(NumberDataViewType.Single, outputWidth);
        }

        /// <summary>The model-file header of the derived model (format versions in docs/model-format.md).</summary>
        private protected abstract VersionInfo VersionInfoForSave { get; }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(TOutput),
                $"The {GetType().Name} maps VBuffer<float> to {typeof(TOutput).Name}.");
            CheckNotDisposed();
            return (ValueMapper<TIn, TOut>)(Delegate)CreateMapper();
        }

        /// <summary>A mapper for one cursor (ML.NET asks for one per cursor, so it needs no locking). It must throw
        /// <see cref="ObjectDisposedException"/> once the model is disposed, even when it was made before.</summary>
        private protected abstract ValueMapper<VBuffer<float>, TOutput> CreateMapper();

        /// <summary>Writes ML.NET's prefix, this model's header, then <see cref="SaveModel"/>'s bytes.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public sealed override void SaveCore(ModelSaveContext ctx)
        {
            CheckNotDisposed();
            base.SaveCore(ctx);
            ctx.SetVersionInfo(VersionInfoForSave);
            SaveModel(ctx);
        }

        /// <summary>Writes what the model holds after ML.NET's prefix: one checksummed block (docs/model-format.md), then any
        /// sub-models.</summary>
        private protected abstract void SaveModel(ModelSaveContext ctx);

        /// <summary>True when the whole model can be written as ONNX (ML.NET's converter asks first); throws otherwise.</summary>
        /// <exception cref="NotSupportedException">A part of the model has no ONNX form (the message names it).</exception>
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx)
        {
            MlNetVersionGuard.EnsureSupported();
            CheckNotDisposed();
            CheckOnnx(ctx);
            return true;
        }

        /// <summary>ML.NET's ONNX export hook: writes the model from the feature variable into the variables the scorer
        /// named (<paramref name="outputNames"/>: the task's columns in ML.NET's order).</summary>
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            CheckNotDisposed();
            WriteOnnx(ctx, featureColumn, outputNames);
            return true;
        }

        /// <summary>Throws a <see cref="NotSupportedException"/> naming the part that cannot be written as ONNX (nothing by
        /// default: a network always can).</summary>
        private protected virtual void CheckOnnx(OnnxContext ctx)
        {
        }

        /// <summary>Writes the model's graph from <paramref name="features"/> into <paramref name="outputNames"/>.</summary>
        private protected abstract void WriteOnnx(OnnxContext ctx, string features, string[] outputNames);

        /// <summary>
        /// Releases what the model holds: an MLP's scoring network, an ensemble's disposable members (MLP members). Afterwards
        /// scoring (directly, through a pipeline or a PredictionEngine, even with a mapper made before), saving and ONNX export
        /// throw <see cref="ObjectDisposedException"/>; the description (shape, members, training history) stays readable.
        /// Disposing twice is fine.
        /// </summary>
        public void Dispose() => DisposeCore();

        /// <summary>Releases what the derived model holds; see <see cref="Dispose"/>.</summary>
        private protected abstract void DisposeCore();

        /// <summary>Throws <see cref="ObjectDisposedException"/>, naming the model, once it is disposed.</summary>
        private protected abstract void CheckNotDisposed();

        // For the layers above: explanations check before each batch.
        void IPackageModel.EnsureNotDisposed() => CheckNotDisposed();
    }
}
