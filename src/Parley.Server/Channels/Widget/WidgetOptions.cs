namespace Parley.Server.Channels.Widget;

/// <summary>Configuration section <c>Parley:Widget</c>.</summary>
public sealed class WidgetOptions
{
    public const string Section = "Parley:Widget";

    /// <summary>Where visitors' attachments are stored.</summary>
    public string FilesPath { get; set; } = Path.Combine("data", "files");

    /// <summary>The server's address as visitors' browsers see it (for the embed snippet); the request's own host when empty.</summary>
    public string? PublicUrl { get; set; }

    public int MessagesPerMinutePerVisitor { get; set; } = 20;

    public int MessagesPerMinutePerIp { get; set; } = 200;

    public int RequestsPerMinutePerIp { get; set; } = 300;

    public int UploadsPerMinutePerIp { get; set; } = 30;
}
