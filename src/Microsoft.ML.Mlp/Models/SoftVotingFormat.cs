using System;
using System.IO;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// The payload of a <see cref="MulticlassSoftVotingModelParameters"/>: the member count and the normalised weights. Members are
    /// sub-models in their own directories (Member000, Member001, …), each with its own header and, for MLPs, its own
    /// checksummed block. Reading checks the weights are what training produces: finite, ≥ 0, summing to 1.
    /// </summary>
    internal static class SoftVotingFormat
    {
        /// <summary>Float rounding of the normalised weights' sum (n · 2⁻²⁴ at most) is far below this.</summary>
        private const double SumTolerance = 1e-4;

        public static void Write(BinaryWriter writer, float[] weights)
        {
            writer.Write(weights.Length);
            foreach (float w in weights)
                writer.Write(w);
        }

        public static float[] Read(FormatReader reader)
        {
            int count = reader.ReadCount(sizeof(float), "the member count");
            if (count < 1)
                throw FormatReader.Damaged("the ensemble has no member");
            var weights = new float[count];
            double sum = 0;
            for (int i = 0; i < count; i++)
            {
                weights[i] = reader.ReadSingle($"member {i}'s weight");
                if (!(weights[i] >= 0) || float.IsInfinity(weights[i]))
                    throw FormatReader.Damaged($"member {i}'s weight is {weights[i]}, not a finite number ≥ 0");
                sum += weights[i];
            }
            if (Math.Abs(sum - 1) > SumTolerance)
                throw FormatReader.Damaged($"the member weights sum to {sum}, not 1");
            reader.ExpectEnd("member weights");
            return weights;
        }
    }
}
