using Parley.Domain.Settings;

namespace Parley.Domain.Distribution;

/// <summary>The ranges of the distribution options, named by their JSON field.</summary>
public static class DistributionSettingsRules
{
    public static IEnumerable<(string Field, string Error)> Validate(DistributionSettings s)
    {
        if (s.AcceptTimeoutMinutes is < 1 or > 1440)
            yield return ("acceptTimeoutMinutes", "'acceptTimeoutMinutes' must be whole minutes from 1 to 1440, or null for never.");
        if (s.DisconnectGraceSeconds is < 0 or > 3600)
            yield return ("disconnectGraceSeconds", "'disconnectGraceSeconds' must be from 0 to 3600.");
    }
}
