namespace Parley.Domain.SystemMessages;

/// <summary>The texts Parley ships with. Companies override them per language.</summary>
public static class BuiltInTemplates
{
    private static readonly Dictionary<string, Dictionary<SystemMessageKind, string>> Texts = new()
    {
        ["uk"] = new()
        {
            [SystemMessageKind.Greeting] = "Вітаємо, {client.name}! Дякуємо, що написали в {company.name}. Менеджер скоро відповість.",
            [SystemMessageKind.ManagerJoined] = "{manager.name} приєднується до чату.",
            [SystemMessageKind.ManagerChanged] = "Ваш чат передано менеджеру {manager.name}.",
            [SystemMessageKind.MoreQuestions] = "Чи залишилися у вас ще питання?",
            [SystemMessageKind.RateUs] = "Будь ласка, оцініть нашу роботу від 1 до 5.",
            [SystemMessageKind.Closed] = "Чат завершено. Дякуємо за звернення!",
            [SystemMessageKind.ClosedInactivity] = "Чат завершено через відсутність активності. Напишіть нам, якщо будуть питання.",
            [SystemMessageKind.OutOfHours] = "Зараз неробочий час. Ми відповімо, щойно почнеться робочий день.",
        },
        ["en"] = new()
        {
            [SystemMessageKind.Greeting] = "Hello, {client.name}! Thank you for writing to {company.name}. A manager will answer shortly.",
            [SystemMessageKind.ManagerJoined] = "{manager.name} joined the chat.",
            [SystemMessageKind.ManagerChanged] = "Your chat was passed to {manager.name}.",
            [SystemMessageKind.MoreQuestions] = "Do you have any more questions?",
            [SystemMessageKind.RateUs] = "Please rate our help from 1 to 5.",
            [SystemMessageKind.Closed] = "The chat is closed. Thank you for contacting us!",
            [SystemMessageKind.ClosedInactivity] = "The chat was closed because there was no activity. Write to us if you have more questions.",
            [SystemMessageKind.OutOfHours] = "We are closed right now. We will answer as soon as our working day begins.",
        },
        ["ru"] = new()
        {
            [SystemMessageKind.Greeting] = "Здравствуйте, {client.name}! Спасибо, что написали в {company.name}. Менеджер скоро ответит.",
            [SystemMessageKind.ManagerJoined] = "{manager.name} подключается к чату.",
            [SystemMessageKind.ManagerChanged] = "Ваш чат передан менеджеру {manager.name}.",
            [SystemMessageKind.MoreQuestions] = "У вас остались ещё вопросы?",
            [SystemMessageKind.RateUs] = "Пожалуйста, оцените нашу работу от 1 до 5.",
            [SystemMessageKind.Closed] = "Чат завершён. Спасибо за обращение!",
            [SystemMessageKind.ClosedInactivity] = "Чат завершён из-за отсутствия активности. Напишите нам, если появятся вопросы.",
            [SystemMessageKind.OutOfHours] = "Сейчас нерабочее время. Мы ответим, как только начнётся рабочий день.",
        },
        ["pl"] = new()
        {
            [SystemMessageKind.Greeting] = "Dzień dobry, {client.name}! Dziękujemy za wiadomość do {company.name}. Konsultant wkrótce odpowie.",
            [SystemMessageKind.ManagerJoined] = "{manager.name} dołącza do czatu.",
            [SystemMessageKind.ManagerChanged] = "Twój czat został przekazany do: {manager.name}.",
            [SystemMessageKind.MoreQuestions] = "Czy masz jeszcze jakieś pytania?",
            [SystemMessageKind.RateUs] = "Prosimy, oceń naszą pomoc w skali od 1 do 5.",
            [SystemMessageKind.Closed] = "Czat został zakończony. Dziękujemy za kontakt!",
            [SystemMessageKind.ClosedInactivity] = "Czat został zakończony z powodu braku aktywności. Napisz do nas, jeśli masz pytania.",
            [SystemMessageKind.OutOfHours] = "Jesteśmy teraz poza godzinami pracy. Odpowiemy, gdy tylko zacznie się dzień roboczy.",
        },
    };

    private static readonly Dictionary<string, (string Yes, string No)> YesNo = new()
    {
        ["uk"] = ("Так", "Ні"),
        ["en"] = ("Yes", "No"),
        ["ru"] = ("Да", "Нет"),
        ["pl"] = ("Tak", "Nie"),
    };

    public static IReadOnlyCollection<string> Languages => Texts.Keys;

    public static string? Find(SystemMessageKind kind, string language) =>
        Texts.TryGetValue(language, out var byKind) && byKind.TryGetValue(kind, out var text) ? text : null;

    public static (string Yes, string No) YesNoLabels(string language) =>
        YesNo.TryGetValue(language, out var labels) ? labels : YesNo["en"];
}
