using Microsoft.Extensions.Options;

namespace Parley.Server.Channels.Widget;

/// <summary>
/// The Origin check of every widget request and hub connection. A browser always sends Origin on cross-origin
/// requests and WebSockets; requests without it (a mobile app, a server) are not a foreign web page. The widget's own
/// frame runs on this server's origin, so for it the check applies to the page that embeds the frame (<c>hostOrigin</c>),
/// which the browser itself enforces through the frame's CSP frame-ancestors.
/// </summary>
public sealed class WidgetOrigins(IOptions<WidgetOptions> options)
{
    public const string Refused = "This site is not allowed to use this chat widget. Add its origin to the widget's allowed origins.";

    public bool IsAllowed(HttpContext? http, WidgetSettings settings, string? hostOrigin)
    {
        var origin = http?.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin)) return true;
        if (IsOwn(http!, origin)) return string.IsNullOrEmpty(hostOrigin) || settings.AllowsOrigin(hostOrigin);
        return settings.AllowsOrigin(origin);
    }

    public bool IsOwn(HttpContext http, string origin)
    {
        var normalized = WidgetSettings.NormalizeOrigin(origin);
        return normalized is not null && (normalized == WidgetSettings.NormalizeOrigin($"{http.Request.Scheme}://{http.Request.Host}")
            || normalized == WidgetSettings.NormalizeOrigin(options.Value.PublicUrl?.TrimEnd('/')));
    }

    /// <summary>Where visitors' browsers reach this server: the configured public URL, else the request's own.</summary>
    public string BaseUrl(HttpRequest request) => BaseUrl($"{request.Scheme}://{request.Host}");

    /// <summary>The configured public URL, else <paramref name="seenByCaller"/> (the console passes the address its page was opened on).</summary>
    public string BaseUrl(string seenByCaller) =>
        options.Value.PublicUrl is { Length: > 0 } url ? url.TrimEnd('/') : seenByCaller.TrimEnd('/');
}
