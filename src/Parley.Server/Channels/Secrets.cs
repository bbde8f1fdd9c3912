using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Channels;

public static class Secrets
{
    /// <summary>
    /// Compares a secret a caller presented with the stored one in constant time, so response timing reveals nothing;
    /// an empty secret never matches.
    /// </summary>
    public static bool Same(string? given, string? expected) =>
        !string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
