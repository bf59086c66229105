namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>Any model of this package, whatever its Score type: what the layers above need without knowing it.</summary>
    internal interface IPackageModel
    {
        /// <summary>Length of the feature vector the model scores.</summary>
        int NumberOfFeatures { get; }

        /// <summary>Throws <see cref="System.ObjectDisposedException"/>, naming the model, once it is disposed.</summary>
        void EnsureNotDisposed();
    }
}
