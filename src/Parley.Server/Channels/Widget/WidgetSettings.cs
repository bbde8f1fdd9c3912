using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Server.Infrastructure;

namespace Parley.Server.Channels.Widget;

public enum PreChatField
{
    Off,
    Optional,
    Required,
}

/// <summary>Which contact fields the pre-chat form asks for before the first message.</summary>
public sealed record PreChatForm(PreChatField Name = PreChatField.Off, PreChatField Email = PreChatField.Off, PreChatField Phone = PreChatField.Off);

/// <summary>
/// A widget channel's appearance and rules, kept as JSON in <see cref="Channel.SettingsJson"/>.
/// Everything but <see cref="AllowedOrigins"/> is public: the widget shows it to every visitor.
/// </summary>
public sealed partial record WidgetSettings
{
    public const string DefaultColor = "#3b5bdb";

    public string Color { get; init; } = DefaultColor;

    /// <summary>Which bottom corner of the page the launcher sits in: "right" or "left".</summary>
    public string Position { get; init; } = "right";

    public string? Title { get; init; }

    public string? Greeting { get; init; }

    public string? LauncherText { get; init; }

    public string? AvatarUrl { get; init; }

    /// <summary>The widget's texts when the visitor's browser language has none.</summary>
    public string? DefaultLanguage { get; init; }

    public PreChatForm PreChat { get; init; } = new();

    /// <summary>Origins (scheme://host[:port]) allowed to embed the widget; empty allows any origin.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Only visitors identified with a valid userHash may chat; anonymous chats are refused.</summary>
    public bool RequireVerification { get; init; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static WidgetSettings Read(Channel channel)
    {
        try
        {
            return JsonSerializer.Deserialize<WidgetSettings>(channel.SettingsJson, Json) ?? new();
        }
        catch (JsonException)
        {
            return new();
        }
    }

    public void WriteTo(Channel channel) => channel.SettingsJson = JsonSerializer.Serialize(this, Json);

    public bool AllowsOrigin(string? origin) =>
        AllowedOrigins.Count == 0 || (NormalizeOrigin(origin) is { } normalized && AllowedOrigins.Contains(normalized, StringComparer.Ordinal));

    /// <summary>"HTTPS://Shop.Example:443/" → "https://shop.example"; null when it is not a bare http(s) origin.</summary>
    public static string? NormalizeOrigin(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    [GeneratedRegex("^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex ColorPattern();

    /// <summary>Validates a requested change; on success gives the settings to store (origins normalized, blanks as null).</summary>
    public static (WidgetSettings? Settings, Validation Validation) From(WidgetSettingsRequest body)
    {
        var v = new Validation()
            .Check(body.Color is null || ColorPattern().IsMatch(body.Color), "color", "'color' must be a hex colour such as #3b5bdb.")
            .Check(body.Position is null or "right" or "left", "position", "'position' must be 'right' or 'left'.")
            .MaxLength("title", body.Title, 80)
            .MaxLength("greeting", body.Greeting, 500)
            .MaxLength("launcherText", body.LauncherText, 40)
            .Check(body.AvatarUrl is null || IsHttpUrl(body.AvatarUrl), "avatarUrl", "'avatarUrl' must be an absolute http(s) URL of at most 2000 characters.")
            .Check(string.IsNullOrWhiteSpace(body.DefaultLanguage) || Languages.Normalize(body.DefaultLanguage) is not null,
                "defaultLanguage", "'defaultLanguage' must be a code such as uk or en.")
            .Check(body.AllowedOrigins is null || body.AllowedOrigins.Count <= 50, "allowedOrigins", "At most 50 allowed origins.");
        var origins = new List<string>();
        foreach (var origin in body.AllowedOrigins ?? [])
        {
            if (NormalizeOrigin(origin) is { } normalized)
            {
                if (!origins.Contains(normalized)) origins.Add(normalized);
            }
            else
            {
                v.Add("allowedOrigins", $"'{origin}' is not an origin: use scheme://host[:port], e.g. https://shop.example, without a path.");
            }
        }

        if (!v.IsValid) return (null, v);
        return (new WidgetSettings
        {
            Color = body.Color?.ToLowerInvariant() ?? DefaultColor,
            Position = body.Position ?? "right",
            Title = Blank(body.Title),
            Greeting = Blank(body.Greeting),
            LauncherText = Blank(body.LauncherText),
            AvatarUrl = Blank(body.AvatarUrl),
            DefaultLanguage = Languages.Normalize(body.DefaultLanguage),
            PreChat = body.PreChat ?? new(),
            AllowedOrigins = origins,
            RequireVerification = body.RequireVerification ?? false,
        }, v);
    }

    private static bool IsHttpUrl(string value) =>
        value.Length <= 2000 && Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>PUT body: the whole settings; an omitted field takes its default.</summary>
public sealed record WidgetSettingsRequest(
    string? Color, string? Position, string? Title, string? Greeting, string? LauncherText, string? AvatarUrl, string? DefaultLanguage,
    PreChatForm? PreChat, IReadOnlyList<string>? AllowedOrigins, bool? RequireVerification);

/// <summary>What any visitor may know about the widget: no origins list, no secret.</summary>
public sealed record WidgetPublicConfig(
    string Name, string Color, string Position, string Title, string? Greeting, string? LauncherText, string? AvatarUrl, string? DefaultLanguage,
    PreChatForm PreChat, bool RequireVerification)
{
    public static WidgetPublicConfig From(Channel channel, WidgetSettings s) =>
        new(channel.Name, s.Color, s.Position, s.Title ?? channel.Name, s.Greeting, s.LauncherText, s.AvatarUrl, s.DefaultLanguage, s.PreChat, s.RequireVerification);
}
