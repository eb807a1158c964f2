/**
 * Embedded lists the generator draws identities from: given and family names
 * from many cultures as they appear in US hospital registries (with the
 * apostrophes, hyphens and accents that break naive CSV writers), street
 * names, and US cities with their real three-digit ZIP prefixes. The people
 * are fictional; only the names and places are real.
 */

export const FEMALE_GIVEN: readonly string[] = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Margaret', 'Sandra', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Dorothy', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Sharon', 'Laura', 'Cynthia',
  'Kathleen', 'Amy', 'Angela', 'Shirley', 'Anna', 'Brenda', 'Pamela', 'Emma', 'Nicole', 'Helen',
  'Samantha', 'Katherine', 'Christine', 'Debra', 'Rachel', 'Carolyn', 'Janet', 'Catherine', 'Maria', 'Heather',
  'Diane', 'Ruth', 'Julie', 'Olivia', 'Joyce', 'Virginia', 'Victoria', 'Kelly', 'Lauren', 'Christina',
  'Joan', 'Evelyn', 'Judith', 'Megan', 'Andrea', 'Cheryl', 'Hannah', 'Jacqueline', 'Martha', 'Gloria',
  'Teresa', 'Ann', 'Sara', 'Madison', 'Frances', 'Kathryn', 'Janice', 'Jean', 'Abigail', 'Alice',
  'Judy', 'Sophia', 'Grace', 'Denise', 'Amber', 'Doris', 'Marilyn', 'Danielle', 'Beverly', 'Isabella',
  'Theresa', 'Diana', 'Natalie', 'Brittany', 'Charlotte', 'Marie', 'Kayla', 'Alexis', 'Lori', 'Mar\u00eda Jos\u00e9',
  'Guadalupe', 'Sof\u00eda', 'Camila', 'Valentina', 'Ximena', 'Luc\u00eda', 'Carmen', 'Rosa', 'Ana Luc\u00eda', 'Yesenia',
  'Mei', 'Xiu Ying', 'Li Na', 'Fang', 'Jing', 'Yan', 'Hui', 'Ling', 'Wei Ling', 'Xiaoling',
  'Thi Lan', 'Linh', 'Mai', 'Huong', 'Ngoc Anh', 'Thu', 'Trang', 'Phuong', 'Hanh', 'Thao',
  'Priya', 'Ananya', 'Lakshmi', 'Deepa', 'Sunita', 'Kavya', 'Aishwarya', 'Meera', 'Pooja', 'Shreya',
  'Fatima', 'Aisha', 'Mariam', 'Layla', 'Noor', 'Zainab', 'Yasmin', 'Huda', 'Salma', 'Amira',
  'Ngozi', 'Chiamaka', 'Adaeze', 'Folake', 'Amara', 'Abena', 'Akosua', 'Nia', 'Imani', 'Zuri',
  'Keisha', 'Tanisha', 'Latoya', "D'Asia", 'Shaniqua', 'Ebony', 'Aaliyah', "Ta'Nya", 'Precious', 'Jasmine',
  'Ji-woo', 'Seo-yeon', 'Min-ji', 'Eun-ji', 'Hye-jin', 'Yuki', 'Haruka', 'Sakura', 'Aiko', 'Yumi',
  'Olga', 'Svetlana', 'Natalia', 'Irina', 'Ekaterina', 'Agnieszka', 'Katarzyna', 'Magdalena', 'Zo\u00eb', 'Ren\u00e9e',
  'Siobh\u00e1n', 'Aoife', 'Niamh', 'Giulia', 'Francesca', 'Chiara', 'Ingrid', 'Astrid', 'Freya', 'Maile',
  'Leilani', 'Marisol', 'Rosario', 'Concepci\u00f3n', 'Maricel', 'Jocelyn', 'Analyn', 'Dalia', 'Tamar', 'Miriam',
];

export const MALE_GIVEN: readonly string[] = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Paul', 'Andrew', 'Joshua',
  'Kenneth', 'Kevin', 'Brian', 'George', 'Timothy', 'Ronald', 'Edward', 'Jason', 'Jeffrey', 'Ryan',
  'Jacob', 'Gary', 'Nicholas', 'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon',
  'Benjamin', 'Samuel', 'Gregory', 'Alexander', 'Frank', 'Patrick', 'Raymond', 'Jack', 'Dennis', 'Jerry',
  'Tyler', 'Aaron', 'Henry', 'Douglas', 'Peter', 'Adam', 'Nathan', 'Zachary', 'Walter', 'Kyle',
  'Harold', 'Carl', 'Jeremy', 'Gerald', 'Keith', 'Roger', 'Arthur', 'Terry', 'Lawrence', 'Sean',
  'Christian', 'Ethan', 'Austin', 'Joe', 'Albert', 'Jesse', 'Willie', 'Billy', 'Bryan', 'Bruce',
  'Noah', 'Jordan', 'Dylan', 'Ralph', 'Roy', 'Alan', 'Wayne', 'Eugene', 'Juan', 'Gabriel',
  'Jos\u00e9', 'Luis', 'Carlos', 'Jes\u00fas', 'Miguel \u00c1ngel', 'Alejandro', 'Francisco', 'Javier', 'Sergio', 'Ra\u00fal',
  'Fernando', 'Ricardo', 'Eduardo', 'Andr\u00e9s', 'Mateo', 'Santiago', 'Diego', 'Emilio', 'Joaqu\u00edn', 'Rodrigo',
  'Wei', 'Jian', 'Hao', 'Ming', 'Jun', 'Lei', 'Tao', 'Yong', 'Zhi Wei', 'Xiaoming',
  'Minh', 'Tuan', 'Duc', 'Hung', 'Quang', 'Van Thanh', 'Long', 'Huy', 'Khoa', 'Bao',
  'Rahul', 'Arjun', 'Vikram', 'Sanjay', 'Rajesh', 'Amit', 'Suresh', 'Anil', 'Ravi', 'Venkatesh',
  'Mohammed', 'Ahmed', 'Omar', 'Ali', 'Hassan', 'Youssef', 'Khalid', 'Ibrahim', 'Tariq', 'Mustafa',
  'Chinedu', 'Emeka', 'Oluwaseun', 'Kwame', 'Kofi', 'Babajide', 'Tunde', 'Obinna', 'Jelani', 'Kwabena',
  'DeShawn', 'Jamal', 'Tyrone', 'Darnell', "De'Andre", 'Malik', 'Terrell', 'Marquis', "Ja'Von", 'Andre',
  'Min-jun', 'Ji-hoon', 'Seung-woo', 'Hyun-woo', 'Dong-hyun', 'Hiroshi', 'Takeshi', 'Kenji', 'Haruto', 'Daiki',
  'Dmitri', 'Sergei', 'Alexei', 'Vladimir', 'Nikolai', 'Piotr', 'Tomasz', 'Krzysztof', 'Jo\u00e3o', 'Fran\u00e7ois',
  'Se\u00e1n', 'Ciar\u00e1n', 'Padraig', 'Giuseppe', 'Marco', 'Lorenzo', 'Lars', 'Bj\u00f6rn', 'Sven', 'Kai',
  'Keoni', 'Makoa', 'Jun-Jun', 'Rolando', 'Reynaldo', 'Efra\u00edn', 'Yosef', 'Avraham', 'Eli', 'Moshe',
];

export const FAMILY: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker',
  'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards',
  'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Bailey',
  'Reed', 'Kelly', 'Howard', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Wood', 'James',
  'Bennett', 'Gray', 'Hughes', 'Price', 'Sanders', 'Myers', 'Long', 'Ross', 'Foster', 'Powell',
  'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes', 'Fisher',
  "O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "O'Reilly", "McDonald", "MacLeod", "D'Angelo", "D'Souza", "Dell'Aquila",
  'Garc\u00eda', 'Rodr\u00edguez', 'Mart\u00ednez', 'Hern\u00e1ndez', 'L\u00f3pez', 'Gonz\u00e1lez', 'P\u00e9rez', 'S\u00e1nchez', 'Ram\u00edrez', 'Torres',
  'Flores', 'Rivera', 'G\u00f3mez', 'D\u00edaz', 'Reyes', 'Morales', 'Cruz', 'Ortiz', 'Guti\u00e9rrez', 'Ch\u00e1vez',
  'Ramos', 'Ruiz', 'Alvarez', 'Mendoza', 'Castillo', 'Jim\u00e9nez', 'Moreno', 'Romero', 'Herrera', 'Medina',
  'Aguilar', 'Vargas', 'Castro', 'Guzm\u00e1n', 'Mu\u00f1oz', 'N\u00fa\u00f1ez', 'Salazar', 'Delgado', 'de la Cruz', 'Van Buren',
  'Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou',
  'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He', 'Lin', 'Luo', 'Gao',
  'Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Huynh', 'Phan', 'Vu', 'Vo', 'Dang',
  'Bui', 'Do', 'Ho', 'Ngo', 'Duong', 'Ly', 'Truong', 'Dinh', 'Lam', 'Mai',
  'Patel', 'Shah', 'Singh', 'Kumar', 'Sharma', 'Gupta', 'Reddy', 'Rao', 'Iyer', 'Nair',
  'Desai', 'Mehta', 'Joshi', 'Chopra', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Pillai', 'Menon', 'Krishnan',
  'Khan', 'Ahmed', 'Hussain', 'Rahman', 'Ali', 'Hassan', 'Abdullah', 'Haddad', 'Khoury', 'Nasser',
  'El-Amin', 'Al-Masri', 'Abu-Zahra', 'Saleh', 'Mansour', 'Farah', 'Aziz', 'Karim', 'Qureshi', 'Siddiqui',
  'Okafor', 'Okonkwo', 'Adeyemi', 'Oyelaran', 'Nwosu', 'Eze', 'Mensah', 'Asante', 'Boateng', 'Owusu',
  'Mwangi', 'Otieno', 'Kamau', 'Diallo', 'Traor\u00e9', 'Ndiaye', 'Kone', 'Abebe', 'Tesfaye', 'Haile',
  'Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim',
  'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato',
  'Ivanov', 'Smirnov', 'Kuznetsova', 'Popov', 'Petrov', 'Volkova', 'Kowalski', 'Nowak', 'Wi\u015bniewski', 'W\u00f3jcik',
  'M\u00fcller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Sch\u00e4fer', 'Kr\u00fcger',
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco',
  'Dubois', 'Lef\u00e8vre', 'Moreau', 'Laurent', 'Girard', 'Papadopoulos', 'Georgiou', 'Andersson', 'Johansson', 'Nilsson',
  'Santos', 'Reyes-Santos', 'Dela Cruz', 'Bautista', 'Villanueva', 'Mendoza-Cruz', 'Cohen', 'Levi', 'Friedman', 'Goldberg',
  'Kealoha', 'Kahananui', 'Begay', 'Yazzie', 'Tsosie', 'Running Bear', 'Smith-Jones', 'Williams-Ortiz', 'Nguyen-Tran', 'Jackson-Lee',
];

export const STREET_NAMES: readonly string[] = [
  'Main', 'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Washington', 'Lake', 'Hill', 'Park',
  'Walnut', 'Sunset', 'Lincoln', 'Jackson', 'Franklin', 'Jefferson', 'Madison', 'Highland', 'Ridge', 'Church',
  'Willow', 'Chestnut', 'Spring', 'River', 'Meadow', 'Forest', 'Valley', 'Mill', 'Center', 'School',
  'Martin Luther King Jr', 'Cesar Chavez', 'Magnolia', 'Dogwood', 'Hickory', 'Birch', 'Sycamore', 'Aspen', 'Juniper', 'Laurel',
  'Fairview', 'Prospect', 'Pleasant', 'Union', 'Liberty', 'Market', 'Broad', 'Water', 'Front', 'High',
  "King's", "Saint Mary's", 'Old Mill', 'Country Club', 'Orchard', 'Grove', 'Bay', 'Harbor', 'Canyon', 'Mesa',
];

export const STREET_SUFFIXES: readonly string[] = ['St', 'Ave', 'Rd', 'Blvd', 'Dr', 'Ln', 'Ct', 'Way', 'Pl', 'Ter'];

/** Second address lines; most patients have none. */
export const UNIT_PREFIXES: readonly string[] = ['Apt', 'Unit', 'Suite', '#'];

export interface Place {
  city: string;
  state: string;
  /** First three digits of the city's ZIP codes (USPS sectional centre). */
  zip3: string;
}

export const PLACES: readonly Place[] = [
  { city: 'Boston', state: 'MA', zip3: '021' }, { city: 'Worcester', state: 'MA', zip3: '016' },
  { city: 'Springfield', state: 'MA', zip3: '011' }, { city: 'Providence', state: 'RI', zip3: '029' },
  { city: 'Hartford', state: 'CT', zip3: '061' }, { city: 'New Haven', state: 'CT', zip3: '065' },
  { city: 'New York', state: 'NY', zip3: '100' }, { city: 'Brooklyn', state: 'NY', zip3: '112' },
  { city: 'Buffalo', state: 'NY', zip3: '142' }, { city: 'Rochester', state: 'NY', zip3: '146' },
  { city: 'Newark', state: 'NJ', zip3: '071' }, { city: 'Trenton', state: 'NJ', zip3: '086' },
  { city: 'Philadelphia', state: 'PA', zip3: '191' }, { city: 'Pittsburgh', state: 'PA', zip3: '152' },
  { city: 'Baltimore', state: 'MD', zip3: '212' }, { city: 'Richmond', state: 'VA', zip3: '232' },
  { city: 'Charlotte', state: 'NC', zip3: '282' }, { city: 'Raleigh', state: 'NC', zip3: '276' },
  { city: 'Atlanta', state: 'GA', zip3: '303' }, { city: 'Savannah', state: 'GA', zip3: '314' },
  { city: 'Miami', state: 'FL', zip3: '331' }, { city: 'Orlando', state: 'FL', zip3: '328' },
  { city: 'Tampa', state: 'FL', zip3: '336' }, { city: 'Jacksonville', state: 'FL', zip3: '322' },
  { city: 'Birmingham', state: 'AL', zip3: '352' }, { city: 'Jackson', state: 'MS', zip3: '392' },
  { city: 'Memphis', state: 'TN', zip3: '381' }, { city: 'Nashville', state: 'TN', zip3: '372' },
  { city: 'Louisville', state: 'KY', zip3: '402' }, { city: 'Lexington', state: 'KY', zip3: '405' },
  { city: 'Charleston', state: 'WV', zip3: '253' }, { city: 'Columbus', state: 'OH', zip3: '432' },
  { city: 'Cleveland', state: 'OH', zip3: '441' }, { city: 'Cincinnati', state: 'OH', zip3: '452' },
  { city: 'Detroit', state: 'MI', zip3: '482' }, { city: 'Grand Rapids', state: 'MI', zip3: '495' },
  { city: 'Indianapolis', state: 'IN', zip3: '462' }, { city: 'Chicago', state: 'IL', zip3: '606' },
  { city: 'Peoria', state: 'IL', zip3: '616' }, { city: 'Milwaukee', state: 'WI', zip3: '532' },
  { city: 'Madison', state: 'WI', zip3: '537' }, { city: 'Minneapolis', state: 'MN', zip3: '554' },
  { city: 'Des Moines', state: 'IA', zip3: '503' }, { city: 'St. Louis', state: 'MO', zip3: '631' },
  { city: 'Kansas City', state: 'MO', zip3: '641' }, { city: 'Omaha', state: 'NE', zip3: '681' },
  { city: 'Wichita', state: 'KS', zip3: '672' }, { city: 'Tulsa', state: 'OK', zip3: '741' },
  { city: 'Oklahoma City', state: 'OK', zip3: '731' }, { city: 'Little Rock', state: 'AR', zip3: '722' },
  { city: 'New Orleans', state: 'LA', zip3: '701' }, { city: 'Houston', state: 'TX', zip3: '770' },
  { city: 'Dallas', state: 'TX', zip3: '752' }, { city: 'San Antonio', state: 'TX', zip3: '782' },
  { city: 'El Paso', state: 'TX', zip3: '799' }, { city: 'Austin', state: 'TX', zip3: '787' },
  { city: 'Albuquerque', state: 'NM', zip3: '871' }, { city: 'Phoenix', state: 'AZ', zip3: '850' },
  { city: 'Tucson', state: 'AZ', zip3: '857' }, { city: 'Denver', state: 'CO', zip3: '802' },
  { city: 'Salt Lake City', state: 'UT', zip3: '841' }, { city: 'Boise', state: 'ID', zip3: '837' },
  { city: 'Las Vegas', state: 'NV', zip3: '891' }, { city: 'Los Angeles', state: 'CA', zip3: '900' },
  { city: 'San Diego', state: 'CA', zip3: '921' }, { city: 'Fresno', state: 'CA', zip3: '937' },
  { city: 'Sacramento', state: 'CA', zip3: '958' }, { city: 'San Francisco', state: 'CA', zip3: '941' },
  { city: 'Oakland', state: 'CA', zip3: '946' }, { city: 'Portland', state: 'OR', zip3: '972' },
  { city: 'Seattle', state: 'WA', zip3: '981' }, { city: 'Spokane', state: 'WA', zip3: '992' },
  { city: 'Anchorage', state: 'AK', zip3: '995' }, { city: 'Honolulu', state: 'HI', zip3: '968' },
];

/** NANP area codes by state, for phone numbers that look local. */
export const AREA_CODES: Readonly<Record<string, readonly string[]>> = {
  MA: ['617', '508', '413'], RI: ['401'], CT: ['860', '203'], NY: ['212', '718', '716', '585'], NJ: ['973', '609'],
  PA: ['215', '412'], MD: ['410'], VA: ['804'], NC: ['704', '919'], GA: ['404', '912'], FL: ['305', '407', '813', '904'],
  AL: ['205'], MS: ['601'], TN: ['901', '615'], KY: ['502', '859'], WV: ['304'], OH: ['614', '216', '513'],
  MI: ['313', '616'], IN: ['317'], IL: ['312', '309'], WI: ['414', '608'], MN: ['612'], IA: ['515'], MO: ['314', '816'],
  NE: ['402'], KS: ['316'], OK: ['918', '405'], AR: ['501'], LA: ['504'], TX: ['713', '214', '210', '915', '512'],
  NM: ['505'], AZ: ['602', '520'], CO: ['303'], UT: ['801'], ID: ['208'], NV: ['702'], CA: ['213', '619', '559', '916', '415', '510'],
  OR: ['503'], WA: ['206', '509'], AK: ['907'], HI: ['808'],
};
