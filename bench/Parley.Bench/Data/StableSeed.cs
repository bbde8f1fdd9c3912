namespace Parley.Bench.Data;

/// <summary>
/// Seeds for the synthetic data's random streams that are the same in every run. <see cref="HashCode.Combine{T1,T2}"/>
/// is salted per process, so a database seeded twice from the same --seed held different texts, names and folders.
/// </summary>
public static class StableSeed
{
    public const int Clients = 1;
    public const int Conversations = 2;
    public const int Texts = 3;

    /// <summary>The index-th seed of one stream (SplitMix64's finalizer over the three numbers).</summary>
    public static int Of(int seed, int stream, int index)
    {
        var x = ((ulong)(uint)seed << 32 | (uint)index) ^ ((ulong)stream * 0x9E3779B97F4A7C15UL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (int)(x ^ (x >> 31));
    }
}
