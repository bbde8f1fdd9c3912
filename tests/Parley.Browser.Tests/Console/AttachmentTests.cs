using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Parley.Browser.Tests.Console;

/// <summary>A manager attaches files in the composer (paperclip and drag-and-drop) and the client's system receives them.</summary>
public abstract class AttachmentTests<TApp>(TApp app) : BrowserTest<TApp>(app)
    where TApp : ConsoleApp
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 4, 2];

    [Fact]
    public async Task Composer_PaperclipAndDrop_FilesSentWithEnterAndTheApiWebhookDownloadsThem()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.ManagerEmail);
        await page.GetByRole(AriaRole.Button, new() { Name = "EN", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("folder-new")).ToContainTextAsync("New");
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };
        var client = "Petro " + Guid.NewGuid().ToString("N")[..6];
        await channel.ClientSaysAsync(owner, client, "Надішліть, будь ласка, фото", client);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();
        await page.GetByTestId("reply").ClickAsync();
        await hook.UntilAsync(r => r.Body.GetProperty("systemKind").GetString() == "managerJoined");

        // The paperclip is a labelled button that opens the file chooser.
        var attach = page.GetByRole(AriaRole.Button, new() { Name = "Attach a file" });
        await ComposerReadyAsync(page);
        var chooser = await page.RunAndWaitForFileChooserAsync(() => attach.ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = "<img src=x onerror=alert(1)>.png", MimeType = "image/png", Buffer = Png });
        await Expect(page.GetByTestId("pending-file").Locator(".file-name")).ToHaveTextAsync(["📎 <img src=x onerror=alert(1)>.png"]);

        // Dropped files: a program is refused in the console's words, the text file joins the chips, one chip is removed.
        await DropAsync(page, ("setup.exe", "MZ"), ("notes.txt", "size M"), ("extra.txt", "remove me"));
        await Expect(page.GetByTestId("upload-error")).ToHaveTextAsync(new Regex("^setup\\.exe: this type of file cannot be sent"));
        await Expect(page.GetByTestId("pending-file")).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove the file extra.txt" }).ClickAsync();
        await Expect(page.GetByTestId("pending-file")).ToHaveCountAsync(2);

        var composer = page.GetByTestId("composer");
        await composer.FillAsync("Ось фото і розміри");
        await composer.PressAsync("Enter");

        var sent = (await hook.UntilAsync(r => r.Body.GetProperty("authorKind").GetString() == "manager"))[^1].Body;
        Assert.Equal("Ось фото і розміри", sent.GetProperty("text").GetString());
        var files = sent.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["<img src=x onerror=alert(1)>.png", "notes.txt"], files.Select(f => f.GetProperty("fileName").GetString()));
        using var integration = new HttpClient { BaseAddress = App.BaseAddress };
        Assert.Equal(Png, await integration.GetByteArrayAsync(files[0].GetProperty("url").GetString()));
        Assert.Equal("size M"u8.ToArray(), await integration.GetByteArrayAsync(files[1].GetProperty("url").GetString()));

        await Expect(page.GetByTestId("pending-file")).ToHaveCountAsync(0);
        var message = page.GetByTestId("message").Last;
        await Expect(message.Locator("a.attachment")).ToHaveTextAsync(["📎 <img src=x onerror=alert(1)>.png", "📎 notes.txt"]);
        Assert.Equal(0, await page.Locator("#messages img, .composer img").CountAsync());
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task Composer_Ukrainian_RefusalsInUkrainianAndANoteCarriesAFileOnly()
    {
        // The company's main language (uk) is the console's until the member picks another.
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var channel = await ApiChannel.CreateAsync(owner, hook.Url);
        var page = await App.SignInAsync(ConsoleApp.OwnerEmail);
        var client = "Oksana " + Guid.NewGuid().ToString("N")[..6];
        var conversationId = await channel.ClientSaysAsync(owner, client, "Привіт", client);
        await page.GetByTestId("chat").Filter(new() { HasText = client }).ClickAsync();

        await DropAsync(page, ("empty.txt", ""), ("a.txt", "1"), ("b.txt", "2"), ("c.txt", "3"), ("d.txt", "4"), ("e.txt", "5"), ("f.txt", "6"));
        await Expect(page.GetByTestId("upload-error")).ToHaveTextAsync(["empty.txt: файл порожній.", "Щонайбільше 5 файлів в одному повідомленні."]);
        await Expect(page.GetByTestId("pending-file")).ToHaveCountAsync(5);
        for (var i = 0; i < 4; i++) await page.GetByTestId("remove-file").First.ClickAsync();

        // A private note with a file and no text, sent from the keyboard, before the chat is even accepted.
        await page.GetByTestId("note-mode").CheckAsync();
        await page.GetByTestId("composer").PressAsync("Enter");

        await Expect(page.Locator(".msg.note a.attachment")).ToHaveTextAsync(["📎 e.txt"]);
        using var api = await App.ApiAsync(ConsoleApp.OwnerEmail);
        var messages = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages")).GetProperty("items").EnumerateArray().ToList();
        var note = Assert.Single(messages, m => m.GetProperty("isPrivateNote").GetBoolean());
        Assert.Equal("e.txt", note.GetProperty("attachments")[0].GetProperty("fileName").GetString());
    }

    /// <summary>The console's script has taken over the composer's paperclip and drop zone (it marks the composer).</summary>
    private static Task ComposerReadyAsync(IPage page) => Expect(page.Locator(".composer[data-files=ready]")).ToHaveCountAsync(1);

    /// <summary>Drops files on the composer as a person dragging them from the desktop does (a drop event carrying files).</summary>
    private static async Task DropAsync(IPage page, params (string Name, string Text)[] files)
    {
        await ComposerReadyAsync(page);
        var dataTransfer = await page.EvaluateHandleAsync(
            "files => { const dt = new DataTransfer(); for (const [name, text] of files) dt.items.add(new File([text], name)); return dt; }",
            files.Select(f => new[] { f.Name, f.Text }).ToArray());
        var zone = page.Locator(".composer");
        await zone.DispatchEventAsync("dragover", new { dataTransfer });
        await zone.DispatchEventAsync("drop", new { dataTransfer });
    }
}

public sealed class AttachmentTests_Sqlite(SqliteConsoleApp app) : AttachmentTests<SqliteConsoleApp>(app);

public sealed class AttachmentTests_Postgres(PostgresConsoleApp app) : AttachmentTests<PostgresConsoleApp>(app);
