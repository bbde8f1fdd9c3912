using System.Net;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Channels.Widget;

namespace Parley.Server.Demo;

/// <summary>
/// <c>/demo</c> (Parley:Demo:Page, on by default in Development): a pretend shop page with the demo company's widget,
/// so that right after <c>dotnet run</c> one can write as a client and answer from the console.
/// </summary>
public static class DemoPage
{
    public const string ChannelName = "Demo site";

    public static WebApplication MapDemoPage(this WebApplication app)
    {
        if (!(app.Configuration.GetValue<bool?>("Parley:Demo:Page") ?? app.Environment.IsDevelopment())) return app;
        app.MapGet("/demo", Page).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Page(HttpContext http, ParleyDbContext db, WidgetOrigins origins, CancellationToken ct)
    {
        var token = await db.Channels.AsNoTracking()
            .Where(c => c.Type == ChannelType.Widget && c.Name == ChannelName && c.IsEnabled)
            .OrderBy(c => c.CreatedAt).Select(c => c.PublicToken).FirstOrDefaultAsync(ct);
        if (token is null)
            return TypedResults.Problem(statusCode: 404, title: "No demo widget", detail: $"There is no enabled widget channel named '{ChannelName}' (the demo seeder creates it on an empty database).");
        var snippet = WidgetSettingsApi.EmbedSnippet(origins.BaseUrl(http.Request), token);
        return TypedResults.Content(
            $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Parley demo shop</title>
            <style>
              body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
              code, pre { background: #f3f3f3; border-radius: 4px; padding: .1rem .3rem; }
              pre { padding: .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
              button { font: inherit; padding: .4rem .9rem; }
            </style>
            </head>
            <body>
            <h1>Demo shop</h1>
            <p>This page embeds the demo company's chat widget with one line:</p>
            <pre>{{WebUtility.HtmlEncode(snippet)}}</pre>
            <p>Open the chat with the button in the corner (or <button type="button" id="open-chat">open it from the page</button>),
              write as a client, then answer as <code>manager@demo.local</code> from the console or the API (<a href="/api">API reference</a>).</p>
            <p>The page talks to the widget through its JavaScript API: <code>Parley('open')</code>, <code>Parley('on', 'managerMessage', cb)</code> …
              — see <code>docs/widget.md</code>.</p>
            <p id="last-reply"></p>
            <script>window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments); };</script>
            {{snippet}}
            <script>
              document.getElementById('open-chat').addEventListener('click', function () { Parley('open'); });
              Parley('on', 'managerMessage', function (m) { document.getElementById('last-reply').textContent = 'Last answer: ' + m.text; });
            </script>
            </body>
            </html>
            """, "text/html; charset=utf-8");
    }
}
