using System.Text.RegularExpressions;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;
using Parley.Server.Console;
using Parley.Server.Conversations;
using Parley.Browser.Tests.Infrastructure;

namespace Parley.Browser.Tests.Console;

/// <summary>Every text the console shows exists in Ukrainian and in English (no browser needed).</summary>
public sealed partial class ConsoleTextTests
{
    [Fact]
    public void Texts_EveryRow_HasUkrainianAndEnglish()
    {
        var rows = ConsoleText.All.ToList();
        Assert.Equal(rows.Count, rows.Select(r => r.Key).Distinct().Count());
        Assert.All(rows.Where(r => r.Key != "delivery.None"), r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Uk), $"{r.Key} has no Ukrainian text");
            Assert.False(string.IsNullOrWhiteSpace(r.En), $"{r.Key} has no English text");
        });
    }

    [Fact]
    public void Texts_EveryKeyUsedInComponents_Exists()
    {
        var components = Path.Combine(ConsoleApp.RepositoryRoot(), "src", "Parley.Server", "Console", "Components");
        var used = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Concat(Dynamic())
            .Distinct();
        var known = ConsoleText.All.Select(r => r.Key).ToHashSet();
        var missing = used.Where(k => !known.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "Missing texts: " + string.Join(", ", missing));
    }

    /// <summary>Keys built from a value in the components ("folder." + folder ...).</summary>
    private static IEnumerable<string> Dynamic() =>
        Enum.GetNames<Folder>().SelectMany(f => new[] { "folder." + f, "list.empty." + f })
            .Concat(Enum.GetNames<ChannelType>().Select(c => "channel." + c))
            .Concat(Enum.GetNames<Role>().Select(r => "role." + r))
            .Concat(Enum.GetNames<DeliveryStatus>().Select(d => "delivery." + d))
            .Concat(Enum.GetNames<ArchiveReason>().Select(a => "archive." + a))
            .Concat(Enum.GetNames<SystemMessageKind>().Select(k => "template." + k))
            .Concat(Enum.GetNames<DayOfWeek>().Select(d => "day." + d))
            .Concat(Enum.GetNames<Presence>().Select(p => "presence." + p))
            .Concat(Enum.GetNames<Parley.Domain.Distribution.Eligibility>().SelectMany(e => new[] { "shift.why." + e, "state." + e }))
            .Concat(Enum.GetNames<Parley.Domain.Settings.DistributionMode>().Select(m => "mode." + m))
            .Concat(Parley.Domain.Common.Languages.BuiltIn.Select(l => "language." + l))
            .Concat(ConversationFilter.Periods.Select(p => "period." + p))
            .Concat(ConversationFilter.ChatsValues.Select(c => "chats." + c))
            .Concat(Parley.Server.Console.Components.Shared.HelpOverlay.Shortcuts.Select(s => s.Text))
            .Concat(RefusalCodes.All.Select(c => RefusalText.KeyPrefix + c));

    [Fact]
    public void Refusal_UkrainianConsole_SaysItInUkrainianWithItsValues()
    {
        var decision = Decision.Conflict(RefusalCodes.AlreadyHandlesChat, "Taras already handles this chat.", ("name", "Taras"));

        Assert.Equal("Taras уже веде цей чат.", ConsoleText.For("uk").Reason(decision));
        Assert.Equal("Taras already handles this chat.", ConsoleText.For("en").Reason(decision));
    }

    [Fact]
    public void Refusal_UnknownCode_FallsBackToTheEnglishReason()
    {
        var decision = Decision.Forbidden("rule_from_the_future", "A newer rule says no.");

        Assert.Equal("A newer rule says no.", ConsoleText.For("uk").Reason(decision));
    }

    [Fact]
    public void Refusal_EveryText_UsesTheSameValuesInBothLanguages()
    {
        Assert.All(ConsoleText.All.Where(r => r.Key.StartsWith(RefusalText.KeyPrefix, StringComparison.Ordinal)), r =>
            Assert.Equal(Placeholders(r.En), Placeholders(r.Uk)));
    }

    private static string[] Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{[a-z]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("""T\["([a-zA-Z.]+)"\]""")]
    private static partial Regex KeyUse();
}
