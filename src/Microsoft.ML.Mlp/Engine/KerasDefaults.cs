namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Keras' optimizer constants where they differ from torch's, shared by the fast path and the reference.</summary>
    internal static class KerasDefaults
    {
        /// <summary>Keras' Adam/RMSprop epsilon (torch's default is 1e-8).</summary>
        public const double Epsilon = 1e-7;

        /// <summary>Keras' RMSprop rho (torch's alpha defaults to 0.99).</summary>
        public const double RmsPropRho = 0.9;
    }
}
