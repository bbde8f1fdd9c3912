using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using static Parley.Domain.Tests.TestData;

namespace Parley.Domain.Tests.SystemMessages;

public class SystemMessageComposerTests
{
    private static readonly TemplateValues Values = new("Anna", "Olena", "Acme");

    private static SystemMessageComposer Composer(string mainLanguage = "uk", params SystemMessageTemplate[] overrides) =>
        new(overrides, mainLanguage);

    private static SystemMessageTemplate Override(SystemMessageKind kind, string language, string text) =>
        new() { CompanyId = CompanyId, Kind = kind, Language = language, Text = text };

    [Theory]
    [InlineData("uk", "Вітаємо, Anna! Дякуємо, що написали в Acme. Менеджер скоро відповість.")]
    [InlineData("en", "Hello, Anna! Thank you for writing to Acme. A manager will answer shortly.")]
    [InlineData("ru", "Здравствуйте, Anna! Спасибо, что написали в Acme. Менеджер скоро ответит.")]
    [InlineData("pl", "Dzień dobry, Anna! Dziękujemy za wiadomość do Acme. Konsultant wkrótce odpowie.")]
    public void Compose_ClientLanguageHasBuiltInTemplate_UsesClientLanguage(string language, string expected)
    {
        var message = Composer(mainLanguage: "uk").Compose(SystemMessageKind.Greeting, language, Values);

        Assert.NotNull(message);
        Assert.Equal(language, message.Language);
        Assert.Equal(SystemMessageKind.Greeting, message.Kind);
        Assert.Equal(expected, message.Text);
    }

    [Theory]
    [InlineData("de")]
    [InlineData(null)]
    public void Compose_ClientLanguageUnknownOrMissing_CompanyMainLanguage(string? clientLanguage)
    {
        var message = Composer(mainLanguage: "en").Compose(SystemMessageKind.Closed, clientLanguage, Values);

        Assert.NotNull(message);
        Assert.Equal("en", message.Language);
        Assert.Equal("The chat is closed. Thank you for contacting us!", message.Text);
    }

    [Fact]
    public void Compose_EveryKindAndBuiltInLanguage_HasText()
    {
        var composer = Composer();
        foreach (var language in new[] { "uk", "en", "ru", "pl" })
        {
            foreach (var kind in Enum.GetValues<SystemMessageKind>())
            {
                var message = composer.Compose(kind, language, Values);
                Assert.NotNull(message);
                Assert.Equal(language, message.Language);
                Assert.False(string.IsNullOrWhiteSpace(message.Text));
                Assert.DoesNotContain("{", message.Text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Compose_CompanyOverrideInClientLanguage_BeatsBuiltIn()
    {
        var composer = Composer("uk", Override(SystemMessageKind.Greeting, "en", "Hi {client.name}, {company.name} here."));

        var message = composer.Compose(SystemMessageKind.Greeting, "en", Values);

        Assert.Equal("en", message!.Language);
        Assert.Equal("Hi Anna, Acme here.", message.Text);
    }

    [Fact]
    public void Compose_CompanyOverrideForOtherKind_DoesNotAffectThisKind()
    {
        var composer = Composer("uk", Override(SystemMessageKind.Greeting, "en", "Hi!"));

        var message = composer.Compose(SystemMessageKind.Closed, "en", Values);

        Assert.Equal("The chat is closed. Thank you for contacting us!", message!.Text);
    }

    [Fact]
    public void Compose_CompanyTemplateInLanguageWithoutBuiltIn_ClientLanguageUsed()
    {
        var composer = Composer("uk", Override(SystemMessageKind.Closed, "de", "Der Chat ist beendet, {client.name}."));

        var message = composer.Compose(SystemMessageKind.Closed, "de", Values);

        Assert.Equal("de", message!.Language);
        Assert.Equal("Der Chat ist beendet, Anna.", message.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Compose_EmptyCompanyOverride_MessageDisabled(string text)
    {
        var composer = Composer("uk", Override(SystemMessageKind.Greeting, "uk", text));

        Assert.Null(composer.Compose(SystemMessageKind.Greeting, "uk", Values));
        Assert.Null(composer.Compose(SystemMessageKind.Greeting, "de", Values)); // falls back to main language: disabled there too
        Assert.NotNull(composer.Compose(SystemMessageKind.Greeting, "en", Values)); // other languages keep their text
    }

    [Fact]
    public void Compose_EmptyOverrideInClientLanguage_DoesNotFallBackToMainLanguage()
    {
        var composer = Composer("uk", Override(SystemMessageKind.OutOfHours, "en", ""));

        Assert.Null(composer.Compose(SystemMessageKind.OutOfHours, "en", Values));
    }

    [Fact]
    public void Compose_AllPlaceholders_Replaced()
    {
        var composer = Composer("en", Override(SystemMessageKind.ManagerJoined, "en", "{client.name}, {manager.name} from {company.name} is here. Bye {client.name}."));

        var message = composer.Compose(SystemMessageKind.ManagerJoined, "en", Values);

        Assert.Equal("Anna, Olena from Acme is here. Bye Anna.", message!.Text);
    }

    [Fact]
    public void Compose_ManagerJoinedAndChanged_ManagerNameInBuiltInText()
    {
        var composer = Composer();

        Assert.Equal("Olena joined the chat.", composer.Compose(SystemMessageKind.ManagerJoined, "en", Values)!.Text);
        Assert.Equal("Ваш чат передано менеджеру Olena.", composer.Compose(SystemMessageKind.ManagerChanged, "uk", Values)!.Text);
    }

    [Theory]
    [InlineData("en", "Hello, there!")]
    [InlineData("uk", "Вітаємо, друже!")]
    [InlineData("ru", "Здравствуйте, друг!")]
    [InlineData("pl", "Dzień dobry, Drogi Kliencie!")]
    public void Compose_ClientNameUnknown_LocalizedFallbackName(string language, string expectedStart)
    {
        var message = Composer().Compose(SystemMessageKind.Greeting, language, new TemplateValues(null, null, "Acme"));

        Assert.StartsWith(expectedStart, message!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ClientNameContainsPlaceholder_KeptLiterally()
    {
        var message = Composer().Compose(SystemMessageKind.Greeting, "en", new TemplateValues("{manager.name}", "Olena", "Acme"));

        Assert.Equal("Hello, {manager.name}! Thank you for writing to Acme. A manager will answer shortly.", message!.Text);
    }

    [Theory]
    [InlineData("uk", "Так", "Ні")]
    [InlineData("en", "Yes", "No")]
    [InlineData("ru", "Да", "Нет")]
    [InlineData("pl", "Tak", "Nie")]
    public void Compose_MoreQuestions_LocalizedYesNoButtonsWithPayloads(string language, string yes, string no)
    {
        var message = Composer().Compose(SystemMessageKind.MoreQuestions, language, Values);

        Assert.Equal(
            [new MessageButton(yes, ButtonPayloads.MoreQuestionsYes), new MessageButton(no, ButtonPayloads.MoreQuestionsNo)],
            message!.Buttons);
    }

    [Fact]
    public void Compose_MoreQuestionsInLanguageWithoutLabels_EnglishLabels()
    {
        var composer = Composer("uk", Override(SystemMessageKind.MoreQuestions, "de", "Noch Fragen?"));

        var message = composer.Compose(SystemMessageKind.MoreQuestions, "de", Values);

        Assert.Equal(["Yes", "No"], message!.Buttons.Select(b => b.Label));
    }

    [Fact]
    public void Compose_RateUs_FiveButtonsRatingOneToFive()
    {
        var message = Composer().Compose(SystemMessageKind.RateUs, "en", Values);

        Assert.Equal(["1", "2", "3", "4", "5"], message!.Buttons.Select(b => b.Label));
        Assert.Equal(["rating:1", "rating:2", "rating:3", "rating:4", "rating:5"], message.Buttons.Select(b => b.Payload));
    }

    [Theory]
    [InlineData(SystemMessageKind.Greeting)]
    [InlineData(SystemMessageKind.ManagerJoined)]
    [InlineData(SystemMessageKind.ManagerChanged)]
    [InlineData(SystemMessageKind.Closed)]
    [InlineData(SystemMessageKind.ClosedInactivity)]
    [InlineData(SystemMessageKind.OutOfHours)]
    public void Compose_KindsWithoutChoices_NoButtons(SystemMessageKind kind)
    {
        Assert.Empty(Composer().Compose(kind, "en", Values)!.Buttons);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void ParseRating_RatingPayload_Stars(int stars)
    {
        Assert.Equal($"rating:{stars}", ButtonPayloads.Rating(stars));
        Assert.Equal(stars, ButtonPayloads.ParseRating(ButtonPayloads.Rating(stars)));
    }

    [Theory]
    [InlineData("rating:0")]
    [InlineData("rating:6")]
    [InlineData("rating:-1")]
    [InlineData("rating:")]
    [InlineData("rating:five")]
    [InlineData("Rating:3")]
    [InlineData("3")]
    [InlineData("")]
    [InlineData(ButtonPayloads.MoreQuestionsYes)]
    [InlineData(ButtonPayloads.MoreQuestionsNo)]
    public void ParseRating_NotARating_Null(string payload)
    {
        Assert.Null(ButtonPayloads.ParseRating(payload));
    }
}
