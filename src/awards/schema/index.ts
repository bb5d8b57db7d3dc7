import './agency.js';
import './location.js';
import './recipient.js';
import './accounts.js';
import './award.js';
import './transaction.js';
import './totals.js';
import './autocomplete.js';
