using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>NumberOfThreads above 1 for one small network — measured slower than one thread — is warned about in the log;
    /// the default (one thread) and an ensemble's networks side by side are not.</summary>
    public class NumberOfThreadsTests
    {
        [Fact]
        public void SeveralThreadsForOneSmallNetworkAreWarnedAbout()
        {
            var ml = new MLContext(seed: 1);
            var warnings = new List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("NumberOfThreads")) lock (warnings) warnings.Add(e.Message); };
            var data = Digits.Load(ml, 0, 200);
            void Fit(int? threads, int members = 1)
            {
                var options = TrainedDigits.QuickOptions(epochs: 1);
                options.NumberOfThreads = threads;
                var trainer = members == 1 ? ml.MulticlassClassification.Trainers.Mlp(options)
                    : (IEstimator<ITransformer>)ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: members);
                ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data);
            }
            Fit(threads: null);
            Fit(threads: 2, members: 2);
            Assert.Empty(warnings);
            Fit(threads: 2);
            Assert.Contains(warnings, w => w.Contains("NumberOfThreads = 2 for one network") && w.Contains("slower"));
        }
    }
}
