using Parley.Domain.Catalog;
using static Parley.Domain.Tests.TestData;

namespace Parley.Domain.Tests.Catalog;

public class QuickReplyTests
{
    private static QuickReply Reply(params (string Language, string Text)[] variants) => new()
    {
        CompanyId = CompanyId,
        Shortcut = "hours",
        Title = "Opening hours",
        Variants = variants.ToDictionary(v => v.Language, v => v.Text),
    };

    [Fact]
    public void PickText_VariantInClientLanguage_ThatVariant()
    {
        var reply = Reply(("uk", "Працюємо з 9 до 18."), ("en", "We work 9 to 6."));

        Assert.Equal("We work 9 to 6.", reply.PickText("en", "uk"));
    }

    [Theory]
    [InlineData("de")]
    [InlineData(null)]
    public void PickText_NoVariantForClient_MainLanguageVariant(string? clientLanguage)
    {
        var reply = Reply(("en", "We work 9 to 6."), ("uk", "Працюємо з 9 до 18."));

        Assert.Equal("Працюємо з 9 до 18.", reply.PickText(clientLanguage, "uk"));
    }

    [Fact]
    public void PickText_NeitherClientNorMainLanguage_FirstVariant()
    {
        var reply = Reply(("pl", "Pracujemy od 9 do 18."), ("ru", "Работаем с 9 до 18."));

        Assert.Equal("Pracujemy od 9 do 18.", reply.PickText("de", "uk"));
    }

    [Fact]
    public void PickText_NoVariants_EmptyText()
    {
        Assert.Equal("", Reply().PickText("en", "uk"));
    }
}
